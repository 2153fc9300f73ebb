import { type Kysely, sql, type Transaction } from "kysely";
import type { MetricRepo, SeriesSummaryRecord } from "../../ports/store.js";
import type { Database } from "../database.js";
import { appendPoints } from "./metric-append.js";
import { chunked, execute, type MetricDb, placeholders, query } from "./metric-db.js";
import { readSeriesPoints } from "./points-reader.js";
import { SERIES_COLUMNS, type SeriesRow, toSeriesRecord } from "./series-rows.js";
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
  const bound: MetricDb = { kysely: db, dialect };
  /** Writes of one run are serialised (PostgreSQL; SQLite has a single writer anyway). */
  const writing = <T>(runId: string, fn: (tx: MetricDb) => Promise<T>): Promise<T> => {
    const run = async (kysely: Kysely<Database> | Transaction<Database>) => {
      if (dialect === "postgres") {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`looplab.metrics:${runId}`}, 0))`.execute(kysely);
      }
      return fn({ kysely, dialect });
    };
    return db.isTransaction ? run(db) : db.transaction().execute(run);
  };
  /** Reads that take several queries see one snapshot. */
  const reading = <T>(fn: (tx: MetricDb) => Promise<T>): Promise<T> => {
    if (db.isTransaction) return fn(bound);
    const tx = db.transaction();
    const run = (kysely: Transaction<Database>) => fn({ kysely, dialect });
    return (dialect === "postgres" ? tx.setIsolationLevel("repeatable read") : tx).execute(run);
  };
  const seriesId = async (tx: MetricDb, runId: string, key: string): Promise<number | null> => {
    const text = "select id from metric_series where run_id = ? and key = ?";
    const [row] = await query<{ id: number | string }>(tx, text, [runId, key]);
    return row ? Number(row.id) : null;
  };

  return {
    append: (runId, points) =>
      points.length === 0 ? Promise.resolve(0) : writing(runId, (tx) => appendPoints(tx, runId, points)),

    async claimBatch(runId, batchId, now) {
      const text =
        "insert into ingest_batches (run_id, batch_id, created_at) values (?, ?, ?) on conflict (run_id, batch_id) do nothing";
      return (await execute(bound, text, [runId, batchId, now])) === 0;
    },

    async listSeries(runId) {
      const text = `select ${SERIES_COLUMNS} from metric_series where run_id = ? order by key`;
      const rows = await query<SeriesRow>(bound, text, [runId]);
      return rows.map((r) => toSeriesRecord(r.key, r));
    },

    async listSeriesForRuns(runIds) {
      const out = new Map<string, SeriesSummaryRecord[]>();
      for (const id of runIds) out.set(id, []);
      for (const part of chunked([...new Set(runIds)], 500)) {
        const text = `select ${SERIES_COLUMNS} from metric_series where run_id in (${placeholders(part.length)}) order by run_id, key`;
        const rows = await query<SeriesRow>(bound, text, part);
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
        let q = tx.kysely
          .selectFrom("metric_series")
          .select("id")
          .where("run_id", "=", runId)
          .where("last_step", ">", step);
        if (key !== null) q = q.where("key", "=", key);
        for (const row of await q.execute()) await truncateSeries(tx, Number(row.id), step);
      }),

    purgeRun: (runId) =>
      writing(runId, async (tx) => {
        const rows = await tx.kysely.selectFrom("metric_series").select("id").where("run_id", "=", runId).execute();
        await deleteSeries(
          tx,
          rows.map((r) => Number(r.id)),
        );
        await tx.kysely.deleteFrom("ingest_batches").where("run_id", "=", runId).execute();
      }),
  };
}
