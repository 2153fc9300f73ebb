import { z } from "zod";
import {
  artifactListSchema,
  artifactPathQuery,
  artifactSchema,
  blobParams,
  checkpointListSchema,
  checkpointSchema,
  consumersQuery,
  consumersSchema,
  createUploadBody,
  deleteArtifactQuery,
  downloadArtifactQuery,
  gcBody,
  gcResultSchema,
  getRetentionResult,
  listArtifactsQuery,
  listCheckpointsQuery,
  putArtifactQuery,
  putArtifactResult,
  putQuotaBody,
  recordLineageBody,
  recordLineageResult,
  retentionPolicySchema,
  retentionResultSchema,
  runLineageSchema,
  storageUsageSchema,
  uploadParams,
  uploadPartParams,
  uploadPartResult,
  uploadSessionSchema,
} from "../schemas/artifacts.js";
import { projectNameSchema, runIdSchema } from "../schemas/common.js";
import type { RouteContract } from "./route-contract.js";

/**
 * Artifact routes (docs/artifacts.md). Routes with `rawBody: true` take the file bytes as an
 * `application/octet-stream` body (streamed, never JSON); routes without a `response` schema
 * stream bytes back (downloads).
 */
export interface ArtifactRouteContract extends RouteContract {
  /** The request body is raw bytes (`content-type: application/octet-stream`). */
  rawBody?: true;
}

const runParams = z.object({ runId: runIdSchema });
const projectParams = z.object({ project: projectNameSchema });
const okSchema = z.object({ ok: z.literal(true) });

export const artifactRoutes = {
  // ── Uploads: resumable, verified multipart ──────────────────────────────────────────────
  createUpload: {
    method: "POST",
    path: "/api/v1/runs/:runId/uploads",
    summary:
      "Start an upload (path, size, sha256, type…). If the server already holds these bytes the artifact is created at once (deduplicated: true, state complete)",
    params: runParams,
    body: createUploadBody,
    response: uploadSessionSchema,
    status: 201,
  },
  uploadPart: {
    method: "PUT",
    path: "/api/v1/uploads/:uploadId/parts/:partNumber",
    summary:
      "Send one part as application/octet-stream with one checksum header: x-looplab-part-crc32 (8 hex) or x-looplab-part-sha256 (64 hex); every part is partSize bytes but the last. A checksum mismatch is 422 and the part is discarded",
    params: uploadPartParams,
    response: uploadPartResult,
    rawBody: true,
  },
  getUpload: {
    method: "GET",
    path: "/api/v1/uploads/:uploadId",
    summary: "An upload's state and the parts received (to resume after an interruption)",
    params: uploadParams,
    response: uploadSessionSchema,
  },
  completeUpload: {
    method: "POST",
    path: "/api/v1/uploads/:uploadId/complete",
    summary:
      "Verify the whole file's size and sha256 (422 on mismatch, nothing stored) and make the artifact visible atomically",
    params: uploadParams,
    response: uploadSessionSchema,
  },
  abortUpload: {
    method: "DELETE",
    path: "/api/v1/uploads/:uploadId",
    summary: "Abort an upload and discard its parts",
    params: uploadParams,
    response: okSchema,
  },
  putArtifact: {
    method: "PUT",
    path: "/api/v1/runs/:runId/artifacts/content",
    summary:
      "One-shot upload of a small file: the body is the file (application/octet-stream), verified against ?sha256 before it becomes visible",
    params: runParams,
    query: putArtifactQuery,
    response: putArtifactResult,
    status: 201,
    rawBody: true,
  },

  // ── Reading ────────────────────────────────────────────────────────────────────────────
  listArtifacts: {
    method: "GET",
    path: "/api/v1/runs/:runId/artifacts",
    summary: "A run's file tree: artifacts ordered by path with sizes, types and digests, paginated",
    params: runParams,
    query: listArtifactsQuery,
    response: artifactListSchema,
  },
  getArtifact: {
    method: "GET",
    path: "/api/v1/runs/:runId/artifacts/info",
    summary: "One artifact's record by path (soft-deleted and collected ones included)",
    params: runParams,
    query: artifactPathQuery,
    response: artifactSchema,
  },
  downloadArtifact: {
    method: "GET",
    path: "/api/v1/runs/:runId/artifacts/content",
    summary:
      "Stream an artifact's bytes; supports Range (206, Accept-Ranges, 416 when unsatisfiable), ETag is the sha256. 404 for collected or missing blobs (and deleted ones unless includeDeleted=true)",
    params: runParams,
    query: downloadArtifactQuery,
  },
  deleteArtifact: {
    method: "DELETE",
    path: "/api/v1/runs/:runId/artifacts",
    summary: "Soft-delete an artifact (purge=true removes it and releases its blob)",
    params: runParams,
    query: deleteArtifactQuery,
    response: okSchema,
  },
  restoreArtifact: {
    method: "POST",
    path: "/api/v1/runs/:runId/artifacts/restore",
    summary: "Restore a soft-deleted artifact",
    params: runParams,
    query: artifactPathQuery,
    response: artifactSchema,
  },

  // ── Checkpoints and retention ──────────────────────────────────────────────────────────
  listCheckpoints: {
    method: "GET",
    path: "/api/v1/runs/:runId/checkpoints",
    summary: "A run's checkpoints by step, with metrics, files and retention state",
    params: runParams,
    query: listCheckpointsQuery,
    response: checkpointListSchema,
  },
  latestCheckpoint: {
    method: "GET",
    path: "/api/v1/runs/:runId/checkpoints/latest",
    summary: "The live checkpoint with the largest step (404 when the run has none)",
    params: runParams,
    response: checkpointSchema,
  },
  getProjectRetention: {
    method: "GET",
    path: "/api/v1/projects/:project/retention",
    summary: "The project's checkpoint retention policy",
    params: projectParams,
    response: getRetentionResult,
  },
  putProjectRetention: {
    method: "PUT",
    path: "/api/v1/projects/:project/retention",
    summary:
      "Set the project's checkpoint retention (keep the best k by a metric and the last n); applied as checkpoints arrive",
    params: projectParams,
    body: retentionPolicySchema,
    response: retentionResultSchema,
  },
  deleteProjectRetention: {
    method: "DELETE",
    path: "/api/v1/projects/:project/retention",
    summary: "Remove the project's retention policy (keep every checkpoint)",
    params: projectParams,
    response: okSchema,
  },
  getRunRetention: {
    method: "GET",
    path: "/api/v1/runs/:runId/retention",
    summary: "A run's own retention policy and the one in force",
    params: runParams,
    response: getRetentionResult,
  },
  putRunRetention: {
    method: "PUT",
    path: "/api/v1/runs/:runId/retention",
    summary: "Override the project's retention for one run; applied at once to its checkpoints",
    params: runParams,
    body: retentionPolicySchema,
    response: retentionResultSchema,
  },
  deleteRunRetention: {
    method: "DELETE",
    path: "/api/v1/runs/:runId/retention",
    summary: "Remove a run's own retention policy (the project's applies again)",
    params: runParams,
    response: okSchema,
  },

  // ── Lineage ────────────────────────────────────────────────────────────────────────────
  recordLineage: {
    method: "POST",
    path: "/api/v1/runs/:runId/lineage",
    summary: "Record artifacts a run used ({runId, path} or {sha256}); what it produced is its own artifacts",
    params: runParams,
    body: recordLineageBody,
    response: recordLineageResult,
  },
  runLineage: {
    method: "GET",
    path: "/api/v1/runs/:runId/lineage",
    summary: "What a run used (with the runs that produced it) and what it produced (with consumer counts)",
    params: runParams,
    response: runLineageSchema,
  },
  blobConsumers: {
    method: "GET",
    path: "/api/v1/artifacts/:sha256/consumers",
    summary: "Which runs used these bytes (e.g. a dataset version), and which runs produced them",
    params: blobParams,
    query: consumersQuery,
    response: consumersSchema,
  },

  // ── Storage ────────────────────────────────────────────────────────────────────────────
  runStorage: {
    method: "GET",
    path: "/api/v1/runs/:runId/storage",
    summary: "Bytes a run's artifacts use: logical and unique stored",
    params: runParams,
    response: storageUsageSchema,
  },
  projectStorage: {
    method: "GET",
    path: "/api/v1/projects/:project/storage",
    summary: "Bytes a project's artifacts use, logical and unique stored, and its quota",
    params: projectParams,
    response: storageUsageSchema,
  },
  putProjectQuota: {
    method: "PUT",
    path: "/api/v1/projects/:project/storage/quota",
    summary: "Set the project's artifact quota in bytes (null: the server default); uploads beyond it get 413",
    params: projectParams,
    body: putQuotaBody,
    response: storageUsageSchema,
  },
  collectArtifactGarbage: {
    method: "POST",
    path: "/api/v1/artifacts/gc",
    summary: "Delete blobs no artifact references (after a grace period) and expired uploads; runs periodically too",
    body: gcBody.optional(),
    response: gcResultSchema,
  },
} as const satisfies Record<string, ArtifactRouteContract>;
