import type { RunStatus } from "@looplab/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { RunPatch, RunRepo, RunSearchRequest, RunSearchResult } from "../../ports/store.js";
import type { Database } from "../database.js";
import type { RunConfigTable, RunsTable } from "../db-schema.js";
import { toJsonText } from "./json-columns.js";
import {
  addCount,
  allKinds,
  applyCounts,
  type KeyCounts,
  type KeyKind,
  keysOfRuns,
  lockRuns,
  trackKeys,
} from "./key-registry.js";
import { configRows, runFromRow, runToRow } from "./run-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;
type RunTagRow = { run_id: string; key: string; value: string };

/** SQLite's variable limit is 32,766 per statement: insert in slices well under it. */
const ROWS_PER_INSERT = 500;

async function insertInSlices<T>(rows: T[], insert: (slice: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

export interface RunRepoDeps {
  search: (request: RunSearchRequest) => Promise<RunSearchResult>;
  purgeMetrics: (runId: string) => Promise<void>;
}

export function createRunRepo(db: Executor, deps: RunRepoDeps): RunRepo {
  // The reads of get/getMany (every run view, MLflow search) are SQL text: building them with
  // the query builder cost more than SQLite takes to run them (see metrics/metric-db.ts).
  async function tagsOf(runIds: string[]): Promise<Map<string, Record<string, string>>> {
    const byRun = new Map<string, Record<string, string>>(runIds.map((id) => [id, {}]));
    if (runIds.length === 0) return byRun;
    const { rows } =
      await sql<RunTagRow>`select run_id, key, value from run_tags where run_id in (${sql.join(runIds)})`.execute(db);
    for (const row of rows) {
      const tags = byRun.get(row.run_id);
      if (tags) tags[row.key] = row.value;
    }
    return byRun;
  }

  async function replaceTags(runId: string, tags: Record<string, string>): Promise<void> {
    await db.deleteFrom("run_tags").where("run_id", "=", runId).execute();
    const rows = Object.entries(tags).map(([key, value]) => ({ run_id: runId, key, value }));
    await insertInSlices(rows, (slice) => db.insertInto("run_tags").values(slice).execute());
  }

  async function replaceConfig(runId: string, config: Record<string, unknown>): Promise<RunConfigTable[]> {
    await db.deleteFrom("run_config").where("run_id", "=", runId).execute();
    const rows = configRows(runId, config);
    await insertInSlices(rows, (slice) => db.insertInto("run_config").values(slice).execute());
    return rows;
  }

  async function writeUpdate(id: string, patch: RunPatch): Promise<void> {
    const values: Partial<RunsTable> = {};
    if (patch.name !== undefined) values.name = patch.name;
    if (patch.status !== undefined) values.status = patch.status;
    if (patch.group !== undefined) values.group_name = patch.group;
    if (patch.notes !== undefined) values.notes = patch.notes;
    if (patch.config !== undefined) values.config_json = JSON.stringify(patch.config);
    if (patch.startedAt !== undefined) values.started_at = patch.startedAt;
    if (patch.endedAt !== undefined) values.ended_at = patch.endedAt;
    if (patch.heartbeatAt !== undefined) values.heartbeat_at = patch.heartbeatAt;
    if (patch.updatedAt !== undefined) values.updated_at = patch.updatedAt;
    if (patch.deletedAt !== undefined) values.deleted_at = patch.deletedAt;
    if (patch.host !== undefined) values.host = patch.host;
    if (patch.command !== undefined) values.command = patch.command;
    if (patch.git !== undefined) values.git_json = toJsonText(patch.git);
    if (patch.environment !== undefined) values.environment_json = toJsonText(patch.environment);
    if (Object.keys(values).length > 0) await db.updateTable("runs").set(values).where("id", "=", id).execute();
    if (patch.tags !== undefined) await replaceTags(id, patch.tags);
    if (patch.config !== undefined) await replaceConfig(id, patch.config);
  }

  /**
   * Creates and updates that change a run's keys or liveness run in one transaction with the
   * key registry's update (a purge is always called in the caller's transaction, whose repos
   * its metric and artifact purges are bound to).
   */
  const atomically = <T>(fn: (repo: RunRepo) => Promise<T>): Promise<T> =>
    db.isTransaction ? fn(repo) : db.transaction().execute((tx) => fn(createRunRepo(tx, deps)));

  const repo: RunRepo = {
    async create(record) {
      if (!db.isTransaction) return await atomically((r) => r.create(record));
      await db.insertInto("runs").values(runToRow(record)).execute();
      await replaceTags(record.id, record.tags);
      const config = await replaceConfig(record.id, record.config);
      if (record.deletedAt !== null) return;
      // A new run: its keys are all new, counted without reading them back.
      const counts: KeyCounts = new Map();
      for (const row of config) addCount(counts, record.projectId, "config", row.path, row.value_type);
      for (const key of Object.keys(record.tags)) addCount(counts, record.projectId, "tag", key, "");
      await applyCounts(db, counts);
    },
    async get(id) {
      const [row] = (await sql<RunsTable>`select * from runs where id = ${id}`.execute(db)).rows;
      if (!row) return null;
      const tags = await tagsOf([id]);
      return runFromRow(row, tags.get(id) ?? {});
    },
    async getLiveness(id) {
      const [row] = (
        await sql<Pick<RunsTable, "project_id" | "status" | "heartbeat_at" | "deleted_at">>`
          select project_id, status, heartbeat_at, deleted_at from runs where id = ${id}`.execute(db)
      ).rows;
      if (!row) return null;
      return {
        projectId: row.project_id,
        status: row.status as RunStatus,
        heartbeatAt: row.heartbeat_at === null ? null : Number(row.heartbeat_at),
        deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
      };
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const { rows } = await sql<RunsTable>`select * from runs where id in (${sql.join(ids)})`.execute(db);
      const tags = await tagsOf(ids);
      const byId = new Map(rows.map((row) => [row.id, runFromRow(row, tags.get(row.id) ?? {})]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
    async update(id, patch: RunPatch) {
      const kinds: KeyKind[] =
        patch.deletedAt !== undefined
          ? [...allKinds]
          : [
              ...(patch.config !== undefined ? ["config" as const] : []),
              ...(patch.tags !== undefined ? ["tag" as const] : []),
            ];
      if (kinds.length > 0 && !db.isTransaction) return await atomically((r) => r.update(id, patch));
      await trackKeys(db, kinds.length > 0 ? [id] : [], kinds, () => writeUpdate(id, patch));
    },
    async markCrashed(before, now) {
      const rows = await db
        .updateTable("runs")
        .set({ status: "crashed", ended_at: now, updated_at: now })
        .where("status", "=", "running")
        .where("origin", "in", ["sdk", "queue"])
        .where("heartbeat_at", "<", before)
        .returning("id")
        .execute();
      return rows.map((r) => r.id);
    },
    async appendConfigChange(runId, change) {
      await db
        .insertInto("config_history")
        .values({ run_id: runId, at: change.at, actor: change.actor, changes_json: JSON.stringify(change.changes) })
        .execute();
    },
    async listConfigChanges(runId) {
      const rows = await db
        .selectFrom("config_history")
        .select(["at", "actor", "changes_json"])
        .where("run_id", "=", runId)
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ at: Number(r.at), actor: r.actor, changes: JSON.parse(r.changes_json) }));
    },
    search: (request) => deps.search(request),
    async listDeletedBefore(before, limit) {
      const rows = await db
        .selectFrom("runs")
        .select("id")
        .where("deleted_at", "is not", null)
        .where("deleted_at", "<", before)
        .orderBy("deleted_at")
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async purge(id) {
      // Uncounts the run's keys (when it is live) before its rows go.
      await lockRuns(db, [id]);
      await applyCounts(db, await keysOfRuns(db, [id], allKinds), -1);
      await deps.purgeMetrics(id);
      await db.deleteFrom("ingest_batches").where("run_id", "=", id).execute();
      await db.deleteFrom("config_history").where("run_id", "=", id).execute();
      await db.deleteFrom("run_config").where("run_id", "=", id).execute();
      await db.deleteFrom("run_tags").where("run_id", "=", id).execute();
      await db.deleteFrom("runs").where("id", "=", id).execute();
    },
  };
  return repo;
}
