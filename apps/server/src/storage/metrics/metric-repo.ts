import { type Kysely, sql, type Transaction } from "kysely";
import type { MetricRepo, SeriesSummaryRecord } from "../../ports/store.js";
import type { Database } from "../database.js";
import { appendPoints } from "./metric-append.js";
import { chunked, type MetricDb } from "./node-store.js";
import { readSeriesPoints } from "./points-reader.js";
import { seriesValueColumns, toSeriesRecord } from "./series-rows.js";
import { deleteSeries, truncateSeries } from "./truncate.js";
import { readSeriesWindow } from "./window-reader.js";

/** The metric store of DESIGN.md §5 over Kysely, for SQLite and PostgreSQL alike. */
export interface KyselyMetricRepo extends MetricRepo {
  /** Hard delete of every series, chunk and ingest batch id of a run. */
  purgeRun(runId: string): Promise<void>;
}

export function createMetricRepo(
  db: Kysely<Database> | Transaction<Database>,
  dialect: "sqlite" | "postgres",
): KyselyMetricRepo {
  /** Writes of one run are serialised (PostgreSQL; SQLite has a single writer anyway). */
  const writing = <T>(runId: string, fn: (tx: MetricDb) => Promise<T>): Promise<T> => {
    const run = async (tx: MetricDb) => {
      if (dialect === "postgres") {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`looplab.metrics:${runId}`}, 0))`.execute(tx);
      }
      return fn(tx);
    };
    return db.isTransaction ? run(db) : db.transaction().execute(run);
  };
  /** Reads that take several queries see one snapshot. */
  const reading = <T>(fn: (tx: MetricDb) => Promise<T>): Promise<T> => {
    if (db.isTransaction) return fn(db);
    const tx = db.transaction();
    return (dialect === "postgres" ? tx.setIsolationLevel("repeatable read") : tx).execute(fn);
  };
  const seriesId = async (tx: MetricDb, runId: string, key: string): Promise<number | null> => {
    const row = await tx
      .selectFrom("metric_series")
      .select("id")
      .where("run_id", "=", runId)
      .where("key", "=", key)
      .executeTakeFirst();
    return row ? Number(row.id) : null;
  };

  return {
    append: (runId, points) => (points.length === 0 ? Promise.resolve(0) : writing(runId, (tx) => appendPoints(tx, runId, points))),

    async claimBatch(runId, batchId, now) {
      const result = await db
        .insertInto("ingest_batches")
        .values({ run_id: runId, batch_id: batchId, created_at: now })
        .onConflict((oc) => oc.columns(["run_id", "batch_id"]).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) === 0;
    },

    async listSeries(runId) {
      const rows = await db
        .selectFrom("metric_series")
        .select(["key", ...seriesValueColumns])
        .where("run_id", "=", runId)
        .orderBy("key")
        .execute();
      return rows.map((r) => toSeriesRecord(r.key, r));
    },

    async listSeriesForRuns(runIds) {
      const out = new Map<string, SeriesSummaryRecord[]>();
      for (const id of runIds) out.set(id, []);
      for (const part of chunked([...new Set(runIds)], 500)) {
        const rows = await db
          .selectFrom("metric_series")
          .select(["run_id", "key", ...seriesValueColumns])
          .where("run_id", "in", part)
          .orderBy("run_id")
          .orderBy("key")
          .execute();
        for (const r of rows) out.get(r.run_id)?.push(toSeriesRecord(r.key, r));
      }
      return out;
    },

    readWindow: (runId, key, request) =>
      reading(async (tx) => {
        const id = await seriesId(tx, runId, key);
        return id === null ? null : readSeriesWindow(tx, id, request);
      }),

    readPoints: (runId, key, request) =>
      reading(async (tx) => {
        const id = await seriesId(tx, runId, key);
        return id === null ? null : readSeriesPoints(tx, id, request);
      }),

    truncateAfter: (runId, key, step) =>
      writing(runId, async (tx) => {
        let q = tx.selectFrom("metric_series").select("id").where("run_id", "=", runId).where("last_step", ">", step);
        if (key !== null) q = q.where("key", "=", key);
        for (const row of await q.execute()) await truncateSeries(tx, Number(row.id), step);
      }),

    purgeRun: (runId) =>
      writing(runId, async (tx) => {
        const rows = await tx.selectFrom("metric_series").select("id").where("run_id", "=", runId).execute();
        await deleteSeries(
          tx,
          rows.map((r) => Number(r.id)),
        );
        await tx.deleteFrom("ingest_batches").where("run_id", "=", runId).execute();
      }),
  };
}
