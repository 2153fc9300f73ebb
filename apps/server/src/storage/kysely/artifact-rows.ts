import type { ArtifactType, MetricGoal } from "@looplab/core";
import type { Selectable } from "kysely";
import type { ArtifactRecord, RetentionRecord, UploadRecord } from "../../ports/artifact-repo.js";
import type { ArtifactsTable, ArtifactUploadsTable, RetentionPoliciesTable } from "./artifact-tables.js";
import { fromJsonText, toJsonText } from "./json-columns.js";

/** Mapping between artifact rows and records; PostgreSQL returns bigint as text, so numbers are normalised. */

const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function artifactToRow(r: ArtifactRecord): Omit<ArtifactsTable, "id"> {
  return {
    run_id: r.runId,
    project_id: r.projectId,
    path: r.path,
    sha256: r.sha256,
    size: r.size,
    type: r.type,
    step: r.step,
    metrics_json: toJsonText(r.metrics),
    metadata_json: toJsonText(r.metadata),
    created_at: r.createdAt,
    deleted_at: r.deletedAt,
    collected_at: r.collectedAt,
  };
}

export function artifactFromRow(row: Selectable<ArtifactsTable>): ArtifactRecord {
  return {
    runId: row.run_id,
    projectId: row.project_id,
    path: row.path,
    sha256: row.sha256,
    size: num(row.size),
    type: row.type as ArtifactType,
    step: numOrNull(row.step),
    metrics: fromJsonText(row.metrics_json),
    metadata: fromJsonText(row.metadata_json),
    createdAt: num(row.created_at),
    deletedAt: numOrNull(row.deleted_at),
    collectedAt: numOrNull(row.collected_at),
  };
}

export function uploadToRow(r: UploadRecord): ArtifactUploadsTable {
  return {
    id: r.id,
    run_id: r.runId,
    project_id: r.projectId,
    path: r.path,
    sha256: r.sha256,
    size: r.size,
    type: r.type,
    step: r.step,
    metrics_json: toJsonText(r.metrics),
    metadata_json: toJsonText(r.metadata),
    overwrite: r.overwrite ? 1 : 0,
    part_size: r.partSize,
    part_count: r.partCount,
    state: r.state,
    created_at: r.createdAt,
    expires_at: r.expiresAt,
    completed_at: r.completedAt,
  };
}

export function uploadFromRow(row: Selectable<ArtifactUploadsTable>): UploadRecord {
  return {
    id: row.id,
    runId: row.run_id,
    projectId: row.project_id,
    path: row.path,
    sha256: row.sha256,
    size: num(row.size),
    type: row.type as ArtifactType,
    step: numOrNull(row.step),
    metrics: fromJsonText(row.metrics_json),
    metadata: fromJsonText(row.metadata_json),
    overwrite: num(row.overwrite) === 1,
    partSize: num(row.part_size),
    partCount: num(row.part_count),
    state: row.state as UploadRecord["state"],
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    completedAt: numOrNull(row.completed_at),
  };
}

export function retentionFromRow(row: Selectable<RetentionPoliciesTable>): RetentionRecord {
  return {
    keepLast: num(row.keep_last),
    keepBest: num(row.keep_best),
    metric: row.metric,
    direction: row.direction as MetricGoal,
    updatedAt: num(row.updated_at),
  };
}

export { num, numOrNull };
