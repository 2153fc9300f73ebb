import type { Kysely, Transaction } from "kysely";
import type { SweepRecord, SweepRepo, SweepStateName, SweepTrialRecord } from "../../ports/sweep-repo.js";
import type { Database } from "../database.js";

/** Tables of migration 0008-sweeps. Times are epoch milliseconds; JSON is stored as text. */
export interface SweepsTable {
  id: string;
  project_id: string;
  name: string;
  spec_json: string;
  state: string;
  reason: string | null;
  created_at: number;
  ended_at: number | null;
  lease_owner: string | null;
  lease_until: number;
}

export interface SweepTrialsTable {
  sweep_id: string;
  number: number;
  params_json: string;
  job_id: string | null;
  run_id: string | null;
  checked_step: number | null;
  created_at: number;
}

type Executor = Kysely<Database> | Transaction<Database>;
type SweepRow = Omit<SweepsTable, "lease_owner" | "lease_until">;

const sweepColumns = [
  "id",
  "project_id",
  "name",
  "spec_json",
  "state",
  "reason",
  "created_at",
  "ended_at",
] as const satisfies readonly (keyof SweepsTable)[];

function sweepFromRow(row: SweepRow): SweepRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    spec: JSON.parse(row.spec_json) as Record<string, unknown>,
    state: row.state as SweepStateName,
    reason: row.reason,
    createdAt: Number(row.created_at),
    endedAt: row.ended_at === null ? null : Number(row.ended_at),
  };
}

function trialFromRow(row: SweepTrialsTable): SweepTrialRecord {
  return {
    sweepId: row.sweep_id,
    number: Number(row.number),
    params: JSON.parse(row.params_json) as Record<string, unknown>,
    jobId: row.job_id,
    runId: row.run_id,
    checkedStep: row.checked_step === null ? null : Number(row.checked_step),
    createdAt: Number(row.created_at),
  };
}

export function createSweepRepo(executor: Executor): SweepRepo {
  const db = executor.withTables<{ sweeps: SweepsTable; sweep_trials: SweepTrialsTable }>();
  return {
    async create(record) {
      await db
        .insertInto("sweeps")
        .values({
          id: record.id,
          project_id: record.projectId,
          name: record.name,
          spec_json: JSON.stringify(record.spec),
          state: record.state,
          reason: record.reason,
          created_at: record.createdAt,
          ended_at: record.endedAt,
          lease_owner: null,
          lease_until: 0,
        })
        .execute();
    },
    async get(id) {
      const row = await db.selectFrom("sweeps").select(sweepColumns).where("id", "=", id).executeTakeFirst();
      return row ? sweepFromRow(row) : null;
    },
    async list({ projectId, before, limit }) {
      let query = db.selectFrom("sweeps").select(sweepColumns);
      if (projectId !== undefined) query = query.where("project_id", "=", projectId);
      if (before) {
        query = query.where((eb) =>
          eb.or([
            eb("created_at", "<", before.createdAt),
            eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)]),
          ]),
        );
      }
      const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
      return rows.map(sweepFromRow);
    },
    async listRunning(limit) {
      const rows = await db
        .selectFrom("sweeps")
        .select("id")
        .where("state", "=", "running")
        .orderBy("created_at")
        .orderBy("id")
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async claim(id, owner, now, leaseMs) {
      const result = await db
        .updateTable("sweeps")
        .set({ lease_owner: owner, lease_until: now + leaseMs })
        .where("id", "=", id)
        .where("state", "=", "running")
        .where((eb) => eb.or([eb("lease_until", "<", now), eb("lease_owner", "=", owner)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async release(id, owner) {
      await db
        .updateTable("sweeps")
        .set({ lease_owner: null, lease_until: 0 })
        .where("id", "=", id)
        .where("lease_owner", "=", owner)
        .execute();
    },
    async end(id, state, reason, at) {
      const result = await db
        .updateTable("sweeps")
        .set({ state, reason, ended_at: at })
        .where("id", "=", id)
        .where("state", "=", "running")
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async insertTrial(record) {
      const result = await db
        .insertInto("sweep_trials")
        .values({
          sweep_id: record.sweepId,
          number: record.number,
          params_json: JSON.stringify(record.params),
          job_id: record.jobId,
          run_id: record.runId,
          checked_step: record.checkedStep,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.columns(["sweep_id", "number"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async setTrialJob(sweepId, number, jobId, runId) {
      await db
        .updateTable("sweep_trials")
        .set({ job_id: jobId, run_id: runId })
        .where("sweep_id", "=", sweepId)
        .where("number", "=", number)
        .execute();
    },
    async setCheckedStep(sweepId, number, step) {
      await db
        .updateTable("sweep_trials")
        .set({ checked_step: step })
        .where("sweep_id", "=", sweepId)
        .where("number", "=", number)
        .execute();
    },
    async listTrials(sweepId, opts = {}) {
      let query = db.selectFrom("sweep_trials").selectAll().where("sweep_id", "=", sweepId);
      if (opts.after !== undefined) query = query.where("number", ">", opts.after);
      if (opts.limit !== undefined) query = query.limit(opts.limit);
      const rows = await query.orderBy("number").execute();
      return rows.map(trialFromRow);
    },
    async countTrials(sweepIds) {
      const counts = new Map<string, number>(sweepIds.map((id) => [id, 0]));
      if (sweepIds.length === 0) return counts;
      const rows = await db
        .selectFrom("sweep_trials")
        .select((eb) => ["sweep_id", eb.fn.countAll<number>().as("n")])
        .where("sweep_id", "in", sweepIds)
        .groupBy("sweep_id")
        .execute();
      for (const row of rows) counts.set(row.sweep_id, Number(row.n));
      return counts;
    },
  };
}
