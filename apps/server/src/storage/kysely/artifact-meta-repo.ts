import { type Kysely, sql, type Transaction } from "kysely";
import type { ArtifactRepo, LineageRecord, UsageRecord } from "../../ports/artifact-repo.js";
import type { Database } from "../database.js";
import { num, retentionFromRow } from "./artifact-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

type MetaMethods = Pick<
  ArtifactRepo,
  | "putLineage"
  | "listLineage"
  | "listConsumers"
  | "countConsumers"
  | "getRetention"
  | "putRetention"
  | "deleteRetention"
  | "getQuota"
  | "putQuota"
  | "usageOfRun"
  | "usageOfProject"
>;

const lineageFromRow = (r: {
  run_id: string;
  sha256: string;
  source_run_id: string | null;
  source_path: string | null;
  role: string | null;
  created_at: unknown;
}): LineageRecord => ({
  runId: r.run_id,
  sha256: r.sha256,
  sourceRunId: r.source_run_id,
  sourcePath: r.source_path,
  role: r.role,
  createdAt: num(r.created_at),
});

/** Lineage edges, retention policies, quotas and storage usage. */
export function createArtifactMetaRepo(db: Executor): MetaMethods {
  async function usage(column: "run_id" | "project_id", id: string): Promise<UsageRecord> {
    const held = db
      .selectFrom("artifacts")
      .where(column, "=", id)
      .where("collected_at", "is", null)
      .select((eb) => [eb.fn.countAll().as("n"), eb.fn.coalesce(eb.fn.sum("size"), sql`0`).as("bytes")])
      .executeTakeFirst();
    const collected = db
      .selectFrom("artifacts")
      .where(column, "=", id)
      .where("collected_at", "is not", null)
      .select((eb) => eb.fn.coalesce(eb.fn.sum("size"), sql`0`).as("bytes"))
      .executeTakeFirst();
    const unique = db
      .selectFrom("artifact_blobs")
      .where(
        "sha256",
        "in",
        db.selectFrom("artifacts").select("sha256").where(column, "=", id).where("collected_at", "is", null),
      )
      .select((eb) => eb.fn.coalesce(eb.fn.sum("size"), sql`0`).as("bytes"))
      .executeTakeFirst();
    const [h, c, u] = [await held, await collected, await unique];
    return {
      artifactCount: num(h?.n ?? 0),
      logicalBytes: num(h?.bytes ?? 0),
      uniqueBytes: num(u?.bytes ?? 0),
      collectedBytes: num(c?.bytes ?? 0),
    };
  }

  return {
    async putLineage(record) {
      const values = {
        run_id: record.runId,
        sha256: record.sha256,
        source_run_id: record.sourceRunId,
        source_path: record.sourcePath,
        role: record.role,
        created_at: record.createdAt,
      };
      await db
        .insertInto("artifact_lineage")
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(["run_id", "sha256"])
            .doUpdateSet({ source_run_id: record.sourceRunId, source_path: record.sourcePath, role: record.role }),
        )
        .execute();
    },
    async listLineage(runId) {
      const rows = await db
        .selectFrom("artifact_lineage")
        .selectAll()
        .where("run_id", "=", runId)
        .orderBy("created_at")
        .orderBy("sha256")
        .limit(10_000)
        .execute();
      return rows.map(lineageFromRow);
    },
    async listConsumers(sha256, afterRunId, limit) {
      let query = db.selectFrom("artifact_lineage").selectAll().where("sha256", "=", sha256);
      if (afterRunId !== null) query = query.where("run_id", ">", afterRunId);
      const rows = await query.orderBy("run_id").limit(limit).execute();
      return rows.map(lineageFromRow);
    },
    async countConsumers(sha256s) {
      const counts = new Map<string, number>();
      if (sha256s.length === 0) return counts;
      const rows = await db
        .selectFrom("artifact_lineage")
        .select((eb) => ["sha256", eb.fn.countAll().as("n")])
        .where("sha256", "in", sha256s)
        .groupBy("sha256")
        .execute();
      for (const r of rows) counts.set(r.sha256, num(r.n));
      return counts;
    },

    async getRetention(scope, id) {
      const row = await db
        .selectFrom("retention_policies")
        .selectAll()
        .where("scope", "=", scope)
        .where("scope_id", "=", id)
        .executeTakeFirst();
      return row ? retentionFromRow(row) : null;
    },
    async putRetention(scope, id, r) {
      const values = {
        keep_last: r.keepLast,
        keep_best: r.keepBest,
        metric: r.metric,
        direction: r.direction,
        updated_at: r.updatedAt,
      };
      await db
        .insertInto("retention_policies")
        .values({ scope, scope_id: id, ...values })
        .onConflict((oc) => oc.columns(["scope", "scope_id"]).doUpdateSet(values))
        .execute();
    },
    async deleteRetention(scope, id) {
      const result = await db
        .deleteFrom("retention_policies")
        .where("scope", "=", scope)
        .where("scope_id", "=", id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async getQuota(projectId) {
      const row = await db
        .selectFrom("artifact_quotas")
        .select("quota_bytes")
        .where("project_id", "=", projectId)
        .executeTakeFirst();
      return row ? num(row.quota_bytes) : null;
    },
    async putQuota(projectId, bytes) {
      if (bytes === null) {
        await db.deleteFrom("artifact_quotas").where("project_id", "=", projectId).execute();
        return;
      }
      await db
        .insertInto("artifact_quotas")
        .values({ project_id: projectId, quota_bytes: bytes })
        .onConflict((oc) => oc.column("project_id").doUpdateSet({ quota_bytes: bytes }))
        .execute();
    },
    usageOfRun: (runId) => usage("run_id", runId),
    usageOfProject: (projectId) => usage("project_id", projectId),
  };
}
