import type { SeriesSummaryRecord } from "../../ports/store.js";
import { chunked, type MetricDb, placeholders, query } from "./metric-db.js";
import { comparePoints, type PointKey } from "./point-order.js";
import type { Summary } from "./summary.js";

/**
 * The per-series summary row of `metric_series` (0001-core), kept in the same transaction
 * as the points. SQLite turns NaN into NULL, so the last value's kind is stored apart.
 */
export interface SeriesTotals {
  count: number;
  nanCount: number;
  finiteCount: number;
  finiteSum: number;
  /** NaN when no value is non-NaN. */
  min: number;
  max: number;
  last: PointKey | null;
}

export const emptyTotals: SeriesTotals = {
  count: 0,
  nanCount: 0,
  finiteCount: 0,
  finiteSum: 0,
  min: Number.NaN,
  max: Number.NaN,
  last: null,
};

export interface SeriesRowValues {
  count: number | string;
  nan_count: number | string;
  finite_count: number | string;
  finite_sum: number;
  min_value: number | null;
  max_value: number | null;
  last_step: number | null;
  last_time: number | string | null;
  last_value: number | null;
  last_kind: number;
}

const LAST_FINITE = 0;
const LAST_NAN = 1;
const LAST_POS_INF = 2;
const LAST_NEG_INF = 3;

function lastValueOf(value: number | null, kind: number): number {
  if (kind === LAST_NAN) return Number.NaN;
  if (kind === LAST_POS_INF) return Number.POSITIVE_INFINITY;
  if (kind === LAST_NEG_INF) return Number.NEGATIVE_INFINITY;
  return Number(value);
}

export function totalsFromRow(r: SeriesRowValues): SeriesTotals {
  const count = Number(r.count);
  return {
    count,
    nanCount: Number(r.nan_count),
    finiteCount: Number(r.finite_count),
    finiteSum: Number(r.finite_sum),
    min: r.min_value === null ? Number.NaN : Number(r.min_value),
    max: r.max_value === null ? Number.NaN : Number(r.max_value),
    last:
      count > 0 && r.last_step !== null
        ? { step: Number(r.last_step), time: Number(r.last_time), value: lastValueOf(r.last_value, r.last_kind) }
        : null,
  };
}

export interface SeriesRowWrite {
  count: number;
  nan_count: number;
  finite_count: number;
  finite_sum: number;
  min_value: number | null;
  max_value: number | null;
  last_step: number | null;
  last_time: number | null;
  last_value: number | null;
  last_kind: number;
}

export function totalsToRow(t: SeriesTotals): SeriesRowWrite {
  const v = t.last?.value ?? 0;
  const kind = Number.isNaN(v)
    ? LAST_NAN
    : v === Number.POSITIVE_INFINITY
      ? LAST_POS_INF
      : v === Number.NEGATIVE_INFINITY
        ? LAST_NEG_INF
        : LAST_FINITE;
  return {
    count: t.count,
    nan_count: t.nanCount,
    finite_count: t.finiteCount,
    finite_sum: t.finiteSum,
    min_value: Number.isNaN(t.min) ? null : t.min,
    max_value: Number.isNaN(t.max) ? null : t.max,
    last_step: t.last ? t.last.step : null,
    last_time: t.last ? t.last.time : null,
    last_value: t.last && kind !== LAST_NAN ? v : null,
    last_kind: kind,
  };
}

/** Totals after storing the points summarised by `s`. */
export function addToTotals(t: SeriesTotals, s: Summary): SeriesTotals {
  const later =
    t.last === null ||
    comparePoints(s.last.step, s.last.time, s.last.value, t.last.step, t.last.time, t.last.value) > 0;
  return {
    count: t.count + s.count,
    nanCount: t.nanCount + s.nanCount,
    finiteCount: t.finiteCount + s.finiteCount,
    finiteSum: t.finiteSum + s.finiteSum,
    min: Number.isNaN(t.min) ? s.min : Number.isNaN(s.min) ? t.min : Math.min(t.min, s.min),
    max: Number.isNaN(t.max) ? s.max : Number.isNaN(s.max) ? t.max : Math.max(t.max, s.max),
    last: later ? s.last : t.last,
  };
}

export function totalsFromSummary(s: Summary): SeriesTotals {
  return addToTotals(emptyTotals, s);
}

export function toSeriesRecord(key: string, r: SeriesRowValues): SeriesSummaryRecord {
  const t = totalsFromRow(r);
  return {
    key,
    count: t.count,
    nanCount: t.nanCount,
    finiteCount: t.finiteCount,
    mean: t.finiteCount > 0 ? t.finiteSum / t.finiteCount : null,
    min: Number.isNaN(t.min) ? null : t.min,
    max: Number.isNaN(t.max) ? null : t.max,
    last: t.last ? t.last.value : null,
    lastStep: t.last ? t.last.step : null,
    lastTime: t.last ? t.last.time : null,
  };
}

/** The columns of a `metric_series` row that `SeriesRow` describes. */
export const SERIES_COLUMNS =
  "run_id, key, count, nan_count, finite_count, finite_sum, min_value, max_value, last_step, last_time, last_value, last_kind";

export type SeriesRow = SeriesRowValues & { run_id: string; key: string };

const UPSERT_SQL =
  "insert into metric_series (run_id, key, count, nan_count, finite_count, finite_sum, min_value, max_value," +
  " last_step, last_time, last_value, last_kind) values ";
const UPSERT_TAIL =
  " on conflict (run_id, key) do update set count = excluded.count, nan_count = excluded.nan_count," +
  " finite_count = excluded.finite_count, finite_sum = excluded.finite_sum, min_value = excluded.min_value," +
  " max_value = excluded.max_value, last_step = excluded.last_step, last_time = excluded.last_time," +
  " last_value = excluded.last_value, last_kind = excluded.last_kind returning id, key";

/** Inserts or updates the rows of several series of one run; returns their ids by key. */
export async function upsertSeries(
  db: MetricDb,
  runId: string,
  entries: { key: string; totals: SeriesTotals }[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunked(entries, 500)) {
    const params: unknown[] = [];
    for (const e of part) {
      const r = totalsToRow(e.totals);
      params.push(runId, e.key, r.count, r.nan_count, r.finite_count, r.finite_sum, r.min_value, r.max_value);
      params.push(r.last_step, r.last_time, r.last_value, r.last_kind);
    }
    const rows = await query<{ id: number | string; key: string }>(
      db,
      `${UPSERT_SQL}${placeholders(part.length, 12)}${UPSERT_TAIL}`,
      params,
    );
    for (const r of rows) ids.set(r.key, Number(r.id));
  }
  return ids;
}
