import { type Kysely, sql, type Transaction } from "kysely";
import type { ArtifactListRequest, ArtifactRepo, BlobRecord } from "../../ports/artifact-repo.js";
import type { Database } from "../database.js";
import { createArtifactMetaRepo } from "./artifact-meta-repo.js";
import { artifactFromRow, artifactToRow, num, numOrNull } from "./artifact-rows.js";
import { createArtifactUploadRepo } from "./artifact-upload-repo.js";

type Executor = Kysely<Database> | Transaction<Database>;

const blobFromRow = (row: { sha256: string; size: unknown; created_at: unknown; released_at: unknown }) =>
  ({
    sha256: row.sha256,
    size: num(row.size),
    createdAt: num(row.created_at),
    releasedAt: numOrNull(row.released_at),
  }) satisfies BlobRecord;

/** Artifact metadata for SQLite and PostgreSQL alike (migration 0003-artifacts). */
export function createArtifactRepo(db: Executor): ArtifactRepo {
  /** Rows that hold their blob: anything not collected (live or soft-deleted). */
  /** Registered model versions pin their digests too (model_version_files, docs/registry.md). */
  const unreferenced = sql<boolean>`not exists (select 1 from artifacts a where a.sha256 = artifact_blobs.sha256 and a.collected_at is null) and not exists (select 1 from model_version_files p where p.sha256 = artifact_blobs.sha256)`;
  const releasedBefore = (before: number) => sql<boolean>`coalesce(released_at, created_at) < ${before}`;

  function filtered(request: Omit<ArtifactListRequest, "afterPath" | "limit">) {
    let query = db.selectFrom("artifacts").where("run_id", "=", request.runId);
    if (request.prefix) query = query.where(sql`substr(path, 1, ${request.prefix.length})`, "=", request.prefix);
    if (request.type) query = query.where("type", "=", request.type);
    if (!request.includeDeleted) query = query.where("deleted_at", "is", null).where("collected_at", "is", null);
    return query;
  }

  async function releaseBlobsOf(runId: string, paths: string[] | null, now: number): Promise<void> {
    let shas = db.selectFrom("artifacts").select("sha256").where("run_id", "=", runId);
    if (paths) shas = shas.where("path", "in", paths);
    await db.updateTable("artifact_blobs").set({ released_at: now }).where("sha256", "in", shas).execute();
  }

  async function purgeRun(runId: string, now: number): Promise<void> {
    await releaseBlobsOf(runId, null, now);
    await db.deleteFrom("artifacts").where("run_id", "=", runId).execute();
    await db.deleteFrom("artifact_lineage").where("run_id", "=", runId).execute();
    await db.deleteFrom("retention_policies").where("scope", "=", "run").where("scope_id", "=", runId).execute();
    const uploads = db.selectFrom("artifact_uploads").select("id").where("run_id", "=", runId);
    await db.deleteFrom("artifact_upload_parts").where("upload_id", "in", uploads).execute();
    await db.deleteFrom("artifact_uploads").where("run_id", "=", runId).execute();
  }

  return {
    async getBlob(sha256) {
      const row = await db.selectFrom("artifact_blobs").selectAll().where("sha256", "=", sha256).executeTakeFirst();
      return row ? blobFromRow(row) : null;
    },
    async insertBlob(record) {
      await db
        .insertInto("artifact_blobs")
        .values({
          sha256: record.sha256,
          size: record.size,
          created_at: record.createdAt,
          released_at: record.releasedAt,
        })
        .onConflict((oc) => oc.column("sha256").doNothing())
        .execute();
    },
    async knownBlobs(sha256s) {
      if (sha256s.length === 0) return new Set();
      const rows = await db.selectFrom("artifact_blobs").select("sha256").where("sha256", "in", sha256s).execute();
      return new Set(rows.map((r) => r.sha256));
    },
    async listUnreferencedBlobs(before, limit) {
      const rows = await db
        .selectFrom("artifact_blobs")
        .selectAll()
        .where(releasedBefore(before))
        .where(unreferenced)
        .orderBy("sha256")
        .limit(limit)
        .execute();
      return rows.map(blobFromRow);
    },
    async deleteBlobIfUnreferenced(sha256, before) {
      const result = await db
        .deleteFrom("artifact_blobs")
        .where("sha256", "=", sha256)
        .where(releasedBefore(before))
        .where(unreferenced)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async getArtifact(runId, path) {
      const row = await db
        .selectFrom("artifacts")
        .selectAll()
        .where("run_id", "=", runId)
        .where("path", "=", path)
        .executeTakeFirst();
      return row ? artifactFromRow(row) : null;
    },
    async insertArtifact(record) {
      await db.insertInto("artifacts").values(artifactToRow(record)).execute();
    },
    async removeArtifact(runId, path, now) {
      await releaseBlobsOf(runId, [path], now);
      await db.deleteFrom("artifacts").where("run_id", "=", runId).where("path", "=", path).execute();
    },
    async setArtifactDeleted(runId, path, deletedAt) {
      await db
        .updateTable("artifacts")
        .set({ deleted_at: deletedAt })
        .where("run_id", "=", runId)
        .where("path", "=", path)
        .execute();
    },
    async collectArtifacts(runId, paths, now) {
      if (paths.length === 0) return;
      await db
        .updateTable("artifacts")
        .set({ collected_at: now })
        .where("run_id", "=", runId)
        .where("path", "in", paths)
        .where("collected_at", "is", null)
        .execute();
      await releaseBlobsOf(runId, paths, now);
    },
    async listArtifacts(request) {
      let query = filtered(request).selectAll();
      if (request.afterPath !== undefined) query = query.where("path", ">", request.afterPath);
      const rows = await query.orderBy("path").limit(request.limit).execute();
      return rows.map(artifactFromRow);
    },
    async countArtifacts(request) {
      const row = await filtered(request)
        .select((eb) => [eb.fn.countAll().as("n"), eb.fn.coalesce(eb.fn.sum("size"), sql`0`).as("bytes")])
        .executeTakeFirst();
      return { count: num(row?.n ?? 0), bytes: num(row?.bytes ?? 0) };
    },
    async listCheckpointArtifacts(runId) {
      const rows = await db
        .selectFrom("artifacts")
        .selectAll()
        .where("run_id", "=", runId)
        .where("type", "=", "checkpoint")
        .orderBy("step")
        .orderBy("path")
        .execute();
      return rows.map(artifactFromRow);
    },
    async listArtifactsOfBlob(sha256, limit) {
      const rows = await db
        .selectFrom("artifacts")
        .selectAll()
        .where("sha256", "=", sha256)
        .orderBy("created_at")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map(artifactFromRow);
    },
    async runsWithCheckpoints(projectId) {
      const rows = await db
        .selectFrom("artifacts")
        .select("run_id")
        .distinct()
        .where("project_id", "=", projectId)
        .where("type", "=", "checkpoint")
        .where("collected_at", "is", null)
        .execute();
      return rows.map((r) => r.run_id);
    },
    purgeRun,
    async purgeProject(projectId, now) {
      const runIds = db.selectFrom("artifacts").select("run_id").distinct().where("project_id", "=", projectId);
      const uploadRuns = db
        .selectFrom("artifact_uploads")
        .select("run_id")
        .distinct()
        .where("project_id", "=", projectId);
      const leftovers = new Set([...(await runIds.execute()), ...(await uploadRuns.execute())].map((r) => r.run_id));
      for (const runId of leftovers) await purgeRun(runId, now);
      await db
        .deleteFrom("retention_policies")
        .where("scope", "=", "project")
        .where("scope_id", "=", projectId)
        .execute();
      await db.deleteFrom("artifact_quotas").where("project_id", "=", projectId).execute();
    },

    ...createArtifactUploadRepo(db),
    ...createArtifactMetaRepo(db),
  };
}
