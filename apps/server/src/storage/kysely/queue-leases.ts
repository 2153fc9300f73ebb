import type { Kysely, Transaction } from "kysely";
import type { ClaimRequest, ExpiredLeases, JobRecord } from "../../ports/queue-repo.js";
import type { Database } from "../database.js";
import type { SqlDialectName } from "../dialect.js";
import { jobFromRow } from "./queue-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

const HELD = ["leased", "running"] as const;

/** Runs `fn` in the caller's transaction, or in a new one when the executor is not a transaction. */
async function inTransaction<T>(db: Executor, fn: (trx: Executor) => Promise<T>): Promise<T> {
  if (db.isTransaction) return await fn(db);
  return await (db as Kysely<Database>).transaction().execute(fn);
}

/**
 * Claims, renewals and lease expiry: the queue's atomic operations. On PostgreSQL the candidate
 * job is selected `FOR UPDATE SKIP LOCKED` (concurrent claimers never see the same row) and the
 * limited queues' rows are locked first so two claimers cannot both take the last slot of a
 * queue; SQLite has one writer, so its transaction alone is enough.
 */
export function createQueueLeases(db: Executor, dialect: SqlDialectName) {
  const pg = dialect === "postgres";

  async function fullQueues(trx: Executor, queues: string[]): Promise<Set<string>> {
    const limited = await trx
      .selectFrom("queues")
      .select(["name", "concurrency_limit"])
      .where("name", "in", queues)
      .where("concurrency_limit", "is not", null)
      .orderBy("name")
      .$if(pg, (q) => q.forUpdate())
      .execute();
    const full = new Set<string>();
    if (limited.length === 0) return full;
    const counts = await trx
      .selectFrom("jobs")
      .select(["queue", (eb) => eb.fn.countAll<number>().as("n")])
      .where("state", "in", HELD)
      .where(
        "queue",
        "in",
        limited.map((l) => l.name),
      )
      .groupBy("queue")
      .execute();
    const active = new Map(counts.map((c) => [c.queue, Number(c.n)]));
    for (const l of limited) {
      if ((active.get(l.name) ?? 0) >= Number(l.concurrency_limit)) full.add(l.name);
    }
    return full;
  }

  async function claimIn(trx: Executor, request: ClaimRequest): Promise<JobRecord | null> {
    const full = await fullQueues(trx, request.queues);
    const open = request.queues.filter((q) => !full.has(q));
    if (open.length === 0) return null;
    const freeGpus = [...new Set(request.freeGpus)].sort((a, b) => a - b);
    const row = await trx
      .selectFrom("jobs")
      .selectAll()
      .where("state", "=", "queued")
      .where("queue", "in", open)
      .where((eb) =>
        eb.or([
          eb.and([eb("gpus", ">", 0), eb("gpus", "<=", freeGpus.length)]),
          eb.and([eb("gpus", "=", 0), eb("cpus", "<=", request.freeCpuSlots)]),
        ]),
      )
      // Exactly the claim index's order (jobs_claim), so the first row comes from the index
      // instead of a sort over every queued job.
      .orderBy("priority", "desc")
      .orderBy("created_at", "asc")
      .orderBy("seq", "asc")
      .limit(1)
      .$if(pg, (q) => q.forUpdate().skipLocked())
      .executeTakeFirst();
    if (!row) return null;
    const gpuIndices = freeGpus.slice(0, Number(row.gpus));
    const updated = await trx
      .updateTable("jobs")
      .set({
        state: "leased",
        agent_id: request.agentId,
        gpu_indices_json: JSON.stringify(gpuIndices),
        lease_expires_at: request.leaseExpiresAt,
        attempts: Number(row.attempts) + 1,
        updated_at: request.now,
      })
      .where("id", "=", row.id)
      .where("state", "=", "queued")
      .returningAll()
      .executeTakeFirst();
    return updated ? jobFromRow(updated) : null;
  }

  async function expireIn(trx: Executor, now: number, limit: number): Promise<ExpiredLeases> {
    const rows = await trx
      .selectFrom("jobs")
      .selectAll()
      .where("state", "in", HELD)
      .where("lease_expires_at", "<", now)
      .orderBy("lease_expires_at")
      .limit(limit)
      .$if(pg, (q) => q.forUpdate().skipLocked())
      .execute();
    const result: ExpiredLeases = { requeued: [], failed: [] };
    for (const row of rows) {
      const attempts = Number(row.attempts);
      const exhausted = attempts >= Number(row.max_attempts);
      const updated = await trx
        .updateTable("jobs")
        .set(
          exhausted
            ? {
                state: "failed",
                outcome: "failed",
                error: `lease expired ${attempts} time${attempts === 1 ? "" : "s"}`,
                lost_agent_id: row.agent_id,
                lease_expires_at: null,
                ended_at: now,
                updated_at: now,
              }
            : {
                state: "queued",
                agent_id: null,
                lost_agent_id: row.agent_id,
                gpu_indices_json: "[]",
                lease_expires_at: null,
                updated_at: now,
              },
        )
        .where("id", "=", row.id)
        .returningAll()
        .executeTakeFirstOrThrow();
      (exhausted ? result.failed : result.requeued).push(jobFromRow(updated));
    }
    return result;
  }

  return {
    claim: (request: ClaimRequest) => inTransaction(db, (trx) => claimIn(trx, request)),

    expireLeases: (now: number, limit: number) => inTransaction(db, (trx) => expireIn(trx, now, limit)),

    async renewLeases(agentId: string, leaseExpiresAt: number, now: number): Promise<JobRecord[]> {
      const rows = await db
        .updateTable("jobs")
        .set({ lease_expires_at: leaseExpiresAt, updated_at: now })
        .where("agent_id", "=", agentId)
        .where("state", "in", HELD)
        .returningAll()
        .execute();
      return rows.map(jobFromRow);
    },

    async takeLost(agentId: string): Promise<string[]> {
      return await inTransaction(db, async (trx) => {
        const rows = await trx
          .selectFrom("jobs")
          .select(["id", "agent_id", "state"])
          .where("lost_agent_id", "=", agentId)
          .execute();
        if (rows.length === 0) return [];
        await trx.updateTable("jobs").set({ lost_agent_id: null }).where("lost_agent_id", "=", agentId).execute();
        return rows
          .filter((r) => !(r.agent_id === agentId && (HELD as readonly string[]).includes(r.state)))
          .map((r) => r.id);
      });
    },
  };
}
