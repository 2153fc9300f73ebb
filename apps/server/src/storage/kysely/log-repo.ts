import type { LogStream } from "@looplab/core";
import type { Kysely, Transaction } from "kysely";
import type { LogRepo } from "../../ports/log-repo.js";
import type { Database } from "../database.js";

type Executor = Kysely<Database> | Transaction<Database>;

/** SQLite allows 32,766 variables per statement: 500 rows × 5 columns stays far below. */
const ROWS_PER_INSERT = 500;

/** Log lines of runs (migration 0007-run-logs). */
export function createLogRepo(db: Executor): LogRepo {
  const repo: LogRepo = {
    async append(runId, lines) {
      if (!db.isTransaction) return await db.transaction().execute((tx) => createLogRepo(tx).append(runId, lines));
      if (lines.length === 0) return { stored: 0, lastSeq: await repo.lastSeq(runId) };
      await db
        .insertInto("run_log_heads")
        .values({ run_id: runId, last_seq: 0 })
        .onConflict((oc) => oc.column("run_id").doNothing())
        .execute();
      // The update takes the head's row lock (PostgreSQL) until commit: appends of one run queue here.
      const head = await db
        .updateTable("run_log_heads")
        .set((eb) => ({ last_seq: eb("last_seq", "+", lines.length) }))
        .where("run_id", "=", runId)
        .returning("last_seq")
        .executeTakeFirstOrThrow();
      const lastSeq = Number(head.last_seq);
      const first = lastSeq - lines.length + 1;
      const rows = lines.map((line, i) => ({
        run_id: runId,
        seq: first + i,
        stream: line.stream,
        text: line.text,
        time: line.time,
      }));
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        await db
          .insertInto("run_log_lines")
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .execute();
      }
      return { stored: lines.length, lastSeq };
    },

    async claimBatch(runId, batchId, now) {
      const result = await db
        .insertInto("run_log_batches")
        .values({ run_id: runId, batch_id: batchId, created_at: now })
        .onConflict((oc) => oc.columns(["run_id", "batch_id"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0n) === 0;
    },

    async lastSeq(runId) {
      const row = await db
        .selectFrom("run_log_heads")
        .select("last_seq")
        .where("run_id", "=", runId)
        .executeTakeFirst();
      return row ? Number(row.last_seq) : 0;
    },

    async read(runId, request) {
      let query = db.selectFrom("run_log_lines").select(["seq", "stream", "text", "time"]).where("run_id", "=", runId);
      if (request.stream) query = query.where("stream", "=", request.stream);
      if (request.tail !== undefined) {
        const rows = await query.orderBy("seq", "desc").limit(Math.min(request.tail, request.limit)).execute();
        return rows.reverse().map(toRecord);
      }
      const rows = await query
        .where("seq", ">", request.after ?? 0)
        .orderBy("seq", "asc")
        .limit(request.limit)
        .execute();
      return rows.map(toRecord);
    },

    async purgeRun(runId) {
      await db.deleteFrom("run_log_lines").where("run_id", "=", runId).execute();
      await db.deleteFrom("run_log_heads").where("run_id", "=", runId).execute();
      await db.deleteFrom("run_log_batches").where("run_id", "=", runId).execute();
    },
  };
  return repo;
}

function toRecord(row: { seq: number; stream: string; text: string; time: number }) {
  return { seq: Number(row.seq), stream: row.stream as LogStream, text: row.text, time: Number(row.time) };
}
