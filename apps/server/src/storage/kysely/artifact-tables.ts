import type { Generated } from "kysely";

/** Tables of migration 0003-artifacts. Times are epoch milliseconds; JSON is stored as text. */
export interface ArtifactBlobsTable {
  sha256: string;
  size: number;
  created_at: number;
  released_at: number | null;
}

export interface ArtifactsTable {
  id: Generated<number>;
  run_id: string;
  project_id: string;
  path: string;
  sha256: string;
  size: number;
  type: string;
  step: number | null;
  metrics_json: string | null;
  metadata_json: string | null;
  created_at: number;
  deleted_at: number | null;
  collected_at: number | null;
}

export interface ArtifactUploadsTable {
  id: string;
  run_id: string;
  project_id: string;
  path: string;
  sha256: string;
  size: number;
  type: string;
  step: number | null;
  metrics_json: string | null;
  metadata_json: string | null;
  overwrite: number;
  part_size: number;
  part_count: number;
  state: string;
  created_at: number;
  expires_at: number;
  completed_at: number | null;
}

export interface ArtifactUploadPartsTable {
  upload_id: string;
  part_number: number;
  size: number;
  /** `<algorithm>:<hex>` (PartChecksum). */
  checksum: string;
  received_at: number;
}

export interface ArtifactLineageTable {
  run_id: string;
  sha256: string;
  source_run_id: string | null;
  source_path: string | null;
  role: string | null;
  created_at: number;
}

export interface RetentionPoliciesTable {
  scope: string;
  scope_id: string;
  keep_last: number;
  keep_best: number;
  metric: string | null;
  direction: string;
  updated_at: number;
}

export interface ArtifactQuotasTable {
  project_id: string;
  quota_bytes: number;
}

export interface ArtifactTables {
  artifact_blobs: ArtifactBlobsTable;
  artifacts: ArtifactsTable;
  artifact_uploads: ArtifactUploadsTable;
  artifact_upload_parts: ArtifactUploadPartsTable;
  artifact_lineage: ArtifactLineageTable;
  retention_policies: RetentionPoliciesTable;
  artifact_quotas: ArtifactQuotasTable;
}
