import type { JobState } from "@looplab/core";
import type { Kysely, Transaction } from "kysely";
import type { QueueRepo } from "../../ports/queue-repo.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { createQueueLeases } from "./queue-leases.js";
import { agentFromRow, agentToRow, jobFromRow, jobPatchToRow, jobToRow } from "./queue-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

const ROWS_PER_INSERT = 200;

/** The queue adapter (ports/queue-repo.ts) for SQLite and PostgreSQL. */
export function createQueueRepo(db: Executor, dialect: SqlDialectName): QueueRepo {
  const leases = createQueueLeases(db, dialect);
  return {
    ...leases,

    async insertJobs(jobs) {
      const rows = jobs.map(jobToRow);
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await db
          .insertInto("jobs")
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute();
      }
    },

    async getJob(id, opts = {}) {
      const row = await db
        .selectFrom("jobs")
        .selectAll()
        .where("id", "=", id)
        .$if(dialect === "postgres" && opts.forUpdate === true, (q) => q.forUpdate())
        .executeTakeFirst();
      return row ? jobFromRow(row) : null;
    },

    async getJobByRun(runId) {
      const row = await db.selectFrom("jobs").selectAll().where("run_id", "=", runId).executeTakeFirst();
      return row ? jobFromRow(row) : null;
    },

    async updateJob(id, patch) {
      const values = jobPatchToRow(patch);
      if (Object.keys(values).length === 0) return;
      await db.updateTable("jobs").set(values).where("id", "=", id).execute();
    },

    async listJobs(request) {
      const after = request.after;
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .$if(request.queue !== undefined, (q) => q.where("queue", "=", request.queue as string))
        .$if(request.projectId !== undefined, (q) => q.where("project_id", "=", request.projectId as string))
        .$if(request.states !== undefined && request.states.length > 0, (q) =>
          q.where("state", "in", request.states as JobState[]),
        )
        .$if(request.sweepId !== undefined, (q) => q.where("sweep_id", "=", request.sweepId as string))
        .$if(request.agentId !== undefined, (q) => q.where("agent_id", "=", request.agentId as string))
        .$if(after !== undefined, (q) =>
          q.where((eb) => {
            const a = after as NonNullable<typeof after>;
            return eb.or([
              eb("created_at", "<", a.createdAt),
              eb.and([eb("created_at", "=", a.createdAt), eb("seq", "<", a.seq)]),
              eb.and([eb("created_at", "=", a.createdAt), eb("seq", "=", a.seq), eb("id", "<", a.id)]),
            ]);
          }),
        )
        .orderBy("created_at", "desc")
        .orderBy("seq", "desc")
        .orderBy("id", "desc")
        .limit(request.limit)
        .execute();
      return rows.map(jobFromRow);
    },

    async heldJobs(agentIds) {
      if (agentIds.length === 0) return [];
      const rows = await db
        .selectFrom("jobs")
        .selectAll()
        .where("agent_id", "in", agentIds)
        .where("state", "in", ["leased", "running"])
        .orderBy("created_at")
        .execute();
      return rows.map(jobFromRow);
    },

    async countJobs() {
      const rows = await db
        .selectFrom("jobs")
        .select(["queue", "state", (eb) => eb.fn.countAll<number>().as("n")])
        .groupBy(["queue", "state"])
        .execute();
      return rows.map((r) => ({ queue: r.queue, state: r.state as JobState, count: Number(r.n) }));
    },

    async getQueue(name) {
      const row = await db.selectFrom("queues").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? { name: row.name, concurrencyLimit: row.concurrency_limit } : null;
    },

    async listQueues() {
      const rows = await db.selectFrom("queues").selectAll().orderBy("name").execute();
      return rows.map((r) => ({ name: r.name, concurrencyLimit: r.concurrency_limit }));
    },

    async putQueue(queue) {
      await db
        .insertInto("queues")
        .values({ name: queue.name, concurrency_limit: queue.concurrencyLimit })
        .onConflict((oc) => oc.column("name").doUpdateSet({ concurrency_limit: queue.concurrencyLimit }))
        .execute();
    },

    async ensureQueue(name) {
      await db
        .insertInto("queues")
        .values({ name, concurrency_limit: null })
        .onConflict((oc) => oc.column("name").doNothing())
        .execute();
    },

    async insertAgent(agent) {
      await db.insertInto("agents").values(agentToRow(agent)).execute();
    },

    async getAgent(id) {
      const row = await db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? agentFromRow(row) : null;
    },

    async listAgents() {
      const rows = await db.selectFrom("agents").selectAll().orderBy("name").orderBy("id").execute();
      return rows.map(agentFromRow);
    },

    async updateAgent(id, patch) {
      const values: Partial<ReturnType<typeof agentToRow>> = {};
      if (patch.gpus !== undefined) values.gpus_json = JSON.stringify(patch.gpus);
      if (patch.state !== undefined) values.state = patch.state;
      if (patch.heartbeatAt !== undefined) values.heartbeat_at = patch.heartbeatAt;
      if (Object.keys(values).length === 0) return;
      await db.updateTable("agents").set(values).where("id", "=", id).execute();
    },

    async deleteAgent(id) {
      await db.deleteFrom("agents").where("id", "=", id).execute();
    },
  };
}
