import {
  alreadyExists,
  type ImportArtifactsBody,
  type ImportArtifactsResult,
  importArtifactsBody,
  LooplabError,
} from "@looplab/core";
import type { ArtifactRecord } from "../ports/artifact-repo.js";
import type { Store } from "../ports/store.js";
import type { KeyedLock } from "./artifact-locks.js";
import type { Clock } from "./clock.js";
import type { RunService } from "./run-service.js";

/**
 * Exact restore of a run's artifact records (docs/export-format.md): the importer first uploads
 * the bytes through the ordinary upload sessions (deduplicated, so bytes the server holds are not
 * sent again), then this writes every record as exported — type, step, metrics, metadata,
 * createdAt, deletion and collection marks — pointing at those blobs. Idempotent: a record that is
 * already exactly as given is left alone, one at the same path with the same bytes (e.g. the row
 * the upload created) is brought to the exported state, one with other bytes is a conflict.
 */
export function createArtifactImport(deps: { store: Store; runs: RunService; clock: Clock; withBlobLock: KeyedLock }) {
  const { store, runs, clock, withBlobLock } = deps;

  /** Runs `fn` holding the GC lock of every digest, so no blob named here can be collected meanwhile. */
  function withBlobLocks<T>(digests: string[], fn: () => Promise<T>): Promise<T> {
    const [first, ...rest] = digests;
    if (first === undefined) return fn();
    return withBlobLock(first, () => withBlobLocks(rest, fn));
  }

  return async function importArtifacts(runId: string, input: ImportArtifactsBody): Promise<ImportArtifactsResult> {
    const body = importArtifactsBody.parse(input);
    const run = await runs.requireRun(runId);
    const paths = new Set<string>();
    for (const a of body.artifacts) {
      if (paths.has(a.path)) throw new LooplabError("INVALID_ARGUMENT", `artifact path '${a.path}' is given twice`);
      paths.add(a.path);
    }
    const needed = [...new Set(body.artifacts.filter((a) => a.collectedAt === null).map((a) => a.sha256))].sort();
    return await withBlobLocks(needed, async () => {
      const known = await store.artifacts.knownBlobs(needed);
      const missing = needed.filter((sha) => !known.has(sha));
      const sizes = new Map<string, number>();
      for (const sha of known) sizes.set(sha, (await store.artifacts.getBlob(sha))?.size ?? -1);
      for (const a of body.artifacts) {
        const size = a.collectedAt === null ? sizes.get(a.sha256) : undefined;
        if (size !== undefined && size !== a.size) {
          throw new LooplabError("UNPROCESSABLE", `'${a.path}' says ${a.size} bytes but its blob holds ${size}`, {
            path: a.path,
          });
        }
      }
      if (missing.length > 0) {
        throw new LooplabError(
          "UNPROCESSABLE",
          `the server does not hold the bytes of ${missing.length} artifact(s) to import (sha256 ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", …" : ""}); upload them first`,
          { missingBlobs: missing },
        );
      }
      const now = clock.now();
      return await store.transaction(async (repos) => {
        const records: ArtifactRecord[] = body.artifacts.map((a) => ({
          ...a,
          runId: run.id,
          projectId: run.projectId,
        }));
        const existing = new Map<string, ArtifactRecord>();
        for (const record of records) {
          const row = await repos.artifacts.getArtifact(run.id, record.path);
          if (!row) continue;
          if (row.sha256 !== record.sha256) {
            throw alreadyExists(`run '${run.id}' already has other bytes at '${record.path}'`, {
              path: record.path,
              sha256: row.sha256,
            });
          }
          existing.set(record.path, row);
        }
        let restored = 0;
        let unchanged = 0;
        for (const record of records) {
          const row = existing.get(record.path);
          if (row && sameRecord(row, record)) {
            unchanged++;
            continue;
          }
          if (row) await repos.artifacts.removeArtifact(run.id, record.path, now);
          await repos.artifacts.insertArtifact(record);
          restored++;
        }
        for (const edge of body.lineage) {
          await repos.artifacts.putLineage({
            runId: run.id,
            sha256: edge.sha256,
            sourceRunId: edge.source?.runId ?? null,
            sourcePath: edge.source?.path ?? null,
            role: edge.role,
            createdAt: edge.usedAt,
          });
        }
        if (body.runDeletedAt !== undefined && body.runDeletedAt !== run.deletedAt) {
          await repos.runs.update(run.id, { deletedAt: body.runDeletedAt });
        }
        return { restored, unchanged, lineage: body.lineage.length };
      });
    });
  };
}

function sameRecord(a: ArtifactRecord, b: ArtifactRecord): boolean {
  return (
    a.type === b.type &&
    a.size === b.size &&
    a.step === b.step &&
    a.createdAt === b.createdAt &&
    a.deletedAt === b.deletedAt &&
    a.collectedAt === b.collectedAt &&
    JSON.stringify(a.metrics) === JSON.stringify(b.metrics) &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata)
  );
}
