import type { Artifact, ArtifactState, UploadSession } from "@looplab/core";
import type { ArtifactRecord, UploadPartRecord, UploadRecord } from "../ports/artifact-repo.js";

/** Wire views of artifact records (packages/core/src/schemas/artifacts.ts). */

export function artifactState(record: Pick<ArtifactRecord, "collectedAt" | "deletedAt">): ArtifactState {
  if (record.collectedAt !== null) return "collected";
  return record.deletedAt !== null ? "deleted" : "live";
}

export function toArtifactView(record: ArtifactRecord): Artifact {
  return {
    runId: record.runId,
    path: record.path,
    size: record.size,
    sha256: record.sha256,
    type: record.type,
    step: record.step,
    metrics: record.metrics,
    metadata: record.metadata,
    createdAt: record.createdAt,
    deletedAt: record.deletedAt,
    collectedAt: record.collectedAt,
    state: artifactState(record),
  };
}

export function toSessionView(
  upload: UploadRecord,
  parts: UploadPartRecord[],
  artifact: ArtifactRecord | null,
  deduplicated = false,
): UploadSession {
  return {
    uploadId: upload.id,
    runId: upload.runId,
    path: upload.path,
    size: upload.size,
    sha256: upload.sha256,
    type: upload.type,
    partSize: upload.partSize,
    partCount: upload.partCount,
    receivedParts: parts.map((p) => p.partNumber),
    receivedBytes: parts.reduce((sum, p) => sum + p.size, 0),
    state: upload.state,
    deduplicated,
    createdAt: upload.createdAt,
    expiresAt: upload.expiresAt,
    artifact: artifact ? toArtifactView(artifact) : null,
  };
}

/** The folder shared by a checkpoint's files, or the single file's path. */
export function commonFolder(paths: string[]): string {
  const [first, ...rest] = paths;
  if (first === undefined) return "";
  if (rest.length === 0) return first;
  let segments = first.split("/").slice(0, -1);
  for (const path of rest) {
    const other = path.split("/");
    let i = 0;
    while (i < segments.length && segments[i] === other[i]) i++;
    segments = segments.slice(0, i);
  }
  return segments.length > 0 ? `${segments.join("/")}/` : "";
}
