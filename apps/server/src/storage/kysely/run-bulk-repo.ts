import type { Kysely, Transaction } from "kysely";
import type { RunBulkRepo } from "../../ports/dashboard-store.js";
import type { Database } from "../database.js";
import { allKinds, trackKeys } from "./key-registry.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** Rows per multi-row insert, well under SQLite's 32,766 variables per statement. */
const ROWS_PER_INSERT = 500;

/**
 * Set-based changes to many runs at once (the bulk API); the caller holds the transaction.
 * Each change moves the key registry (key-registry.ts) by the keys it adds and removes.
 */
export function createRunBulkRepo(db: Executor): RunBulkRepo {
  async function touch(ids: string[], now: number): Promise<void> {
    if (ids.length > 0) await db.updateTable("runs").set({ updated_at: now }).where("id", "in", ids).execute();
  }

  const repo: RunBulkRepo = {
    addTags: (runIds, tags, now) => trackKeys(db, runIds, ["tag"], () => addTags(runIds, tags, now)),
    removeTags: (runIds, keys, now) => trackKeys(db, runIds, ["tag"], () => removeTags(runIds, keys, now)),
    setDeleted: (runIds, deletedAt, now) => trackKeys(db, runIds, allKinds, () => setDeleted(runIds, deletedAt, now)),
  };
  return repo;

  async function addTags(runIds: string[], tags: Record<string, string>, now: number): Promise<string[]> {
    const keys = Object.keys(tags);
    if (runIds.length === 0 || keys.length === 0) return [];
    const existing = await db
      .selectFrom("run_tags")
      .select(["run_id", "key", "value"])
      .where("run_id", "in", runIds)
      .where("key", "in", keys)
      .execute();
    const have = new Set(existing.map((r) => `${r.run_id}\u0000${r.key}\u0000${r.value}`));
    const rows = runIds.flatMap((runId) =>
      keys
        .filter((key) => !have.has(`${runId}\u0000${key}\u0000${tags[key]}`))
        .map((key) => ({ run_id: runId, key, value: tags[key] as string })),
    );
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await db
        .insertInto("run_tags")
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .onConflict((oc) => oc.columns(["run_id", "key"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
        .execute();
    }
    const changed = [...new Set(rows.map((r) => r.run_id))];
    await touch(changed, now);
    return changed;
  }

  async function removeTags(runIds: string[], keys: string[], now: number): Promise<string[]> {
    if (runIds.length === 0 || keys.length === 0) return [];
    const rows = await db
      .selectFrom("run_tags")
      .select("run_id")
      .distinct()
      .where("run_id", "in", runIds)
      .where("key", "in", keys)
      .execute();
    const changed = rows.map((r) => r.run_id);
    if (changed.length === 0) return [];
    await db.deleteFrom("run_tags").where("run_id", "in", changed).where("key", "in", keys).execute();
    await touch(changed, now);
    return changed;
  }

  async function setDeleted(runIds: string[], deletedAt: number | null, now: number): Promise<string[]> {
    if (runIds.length === 0) return [];
    const rows = await db
      .selectFrom("runs")
      .select("id")
      .where("id", "in", runIds)
      .where("deleted_at", deletedAt === null ? "is not" : "is", null)
      .execute();
    const changed = rows.map((r) => r.id);
    if (changed.length > 0) {
      await db.updateTable("runs").set({ deleted_at: deletedAt, updated_at: now }).where("id", "in", changed).execute();
    }
    return changed;
  }
}
