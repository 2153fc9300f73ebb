import {
  decodeFloat,
  encodeFloat,
  invalidArgument,
  type LogMetricsBody,
  notFound,
  type PointsPage,
  type SeriesQueryBody,
  type SeriesWindow,
  seriesQueryBody,
} from "@looplab/core";
import type { BucketRecord, PointRecord, Store, StoredPoint } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { MetricEvents } from "./event-bus.js";
import { decodePageToken, encodePageToken } from "./page-token.js";
import type { RunService } from "./run-service.js";
import { toMetricSummary } from "./run-view.js";

export type MetricService = ReturnType<typeof createMetricService>;

const wirePoint = (p: StoredPoint) => ({ step: p.step, value: encodeFloat(p.value), time: p.time });

function wireBucket(b: BucketRecord) {
  return {
    startStep: b.startStep,
    endStep: b.endStep,
    count: b.count,
    nanCount: b.nanCount,
    min: b.min === null ? null : encodeFloat(b.min),
    max: b.max === null ? null : encodeFloat(b.max),
    first: wirePoint(b.first),
    last: wirePoint(b.last),
  };
}

/** The points of a batch in its two forms (objects and columns), as records of the store. */
function batchPoints(body: LogMetricsBody, now: number): PointRecord[] {
  const points: PointRecord[] = body.points.map((p) => ({
    key: p.key,
    step: p.step,
    value: decodeFloat(p.value),
    time: p.time ?? now,
  }));
  for (const series of body.series ?? []) {
    const { key, steps, values, times } = series;
    for (let i = 0; i < steps.length; i++) {
      points.push({ key, step: steps[i] as number, value: decodeFloat(values[i] as number), time: times?.[i] ?? now });
    }
  }
  return points;
}

export function createMetricService(store: Store, runs: RunService, clock: Clock, events?: MetricEvents) {
  async function window(
    runId: string,
    key: string,
    request: { buckets: number; startStep?: number | undefined; endStep?: number | undefined },
  ): Promise<SeriesWindow> {
    if (request.startStep !== undefined && request.endStep !== undefined && request.startStep > request.endStep) {
      throw invalidArgument("startStep must not be greater than endStep", { field: "startStep" });
    }
    const result = await store.metrics.readWindow(runId, key, request);
    if (!result) return { runId, key, sampled: false, totalPoints: 0, buckets: [] };
    return {
      runId,
      key,
      sampled: result.sampled,
      totalPoints: result.totalPoints,
      buckets: result.buckets.map(wireBucket),
    };
  }

  return {
    /** Stores one batch whole or not at all; a batch id seen before makes it a no-op. */
    async log(runId: string, body: LogMetricsBody): Promise<{ stored: number; duplicateBatch: boolean }> {
      const run = await store.runs.getLiveness(runId);
      if (!run) throw notFound(`run '${runId}' not found`, { runId });
      const now = clock.now();
      const points = batchPoints(body, now);
      const result = await store.transaction(async (repos) => {
        if (body.batchId && (await repos.metrics.claimBatch(runId, body.batchId, now))) {
          return { stored: 0, duplicateBatch: true };
        }
        const stored = points.length > 0 ? await repos.metrics.append(runId, points) : 0;
        // Writes count as heartbeats; refreshing at most every 250 ms saves a row write per batch.
        if (run.status === "running" && (run.heartbeatAt ?? 0) < now - 250) {
          await repos.runs.update(runId, { heartbeatAt: now });
        }
        return { stored, duplicateBatch: false };
      });
      if (result.stored > 0) events?.metricsStored(runId, run.projectId);
      return result;
    },

    /**
     * Deletes the points after `afterStep` of every series of a run (or of `keys`), in one
     * transaction; series summaries are recomputed exactly and emptied series removed.
     */
    async truncate(runId: string, afterStep: number, keys?: string[]): Promise<{ deleted: number }> {
      const run = await runs.requireRun(runId);
      const wanted = keys === undefined ? undefined : new Set(keys);
      const result = await store.transaction(async (repos) => {
        const counted = async () => {
          let total = 0;
          for (const s of await repos.metrics.listSeries(runId)) if (!wanted || wanted.has(s.key)) total += s.count;
          return total;
        };
        const before = await counted();
        if (wanted === undefined) await repos.metrics.truncateAfter(runId, null, afterStep);
        else for (const key of wanted) await repos.metrics.truncateAfter(runId, key, afterStep);
        return { deleted: before - (await counted()) };
      });
      if (result.deleted > 0) events?.metricsStored(runId, run.projectId);
      return result;
    },

    async listSeries(runId: string) {
      const run = await runs.requireRun(runId);
      const [series, definitions] = await Promise.all([
        store.metrics.listSeries(runId),
        store.projects.listMetricDefinitions(run.projectId),
      ]);
      const goals = new Map(definitions.map((d) => [d.key, d.goal]));
      return { series: series.map((s) => toMetricSummary(s, goals.get(s.key))) };
    },

    async window(runId: string, key: string, request: { buckets: number; startStep?: number; endStep?: number }) {
      await runs.requireRun(runId);
      return await window(runId, key, request);
    },

    async query(input: SeriesQueryBody): Promise<{ series: SeriesWindow[] }> {
      const body = seriesQueryBody.parse(input);
      const runIds = [...new Set(body.series.map((s) => s.runId))];
      const found = new Set((await store.runs.getMany(runIds)).map((r) => r.id));
      const missing = runIds.find((id) => !found.has(id));
      if (missing) throw notFound(`run '${missing}' not found`, { runId: missing });
      const series: SeriesWindow[] = [];
      for (const s of body.series) {
        series.push(
          await window(s.runId, s.key, { buckets: body.buckets, startStep: body.startStep, endStep: body.endStep }),
        );
      }
      return { series };
    },

    async points(
      runId: string,
      key: string,
      request: {
        startStep?: number | undefined;
        endStep?: number | undefined;
        pageToken?: string | undefined;
        limit: number;
      },
    ): Promise<PointsPage> {
      await runs.requireRun(runId);
      let after: { step: number; time: number; seq: number } | undefined;
      if (request.pageToken) {
        const token = decodePageToken(request.pageToken);
        const { s, t, q } = token;
        if (typeof s !== "number" || typeof t !== "number" || typeof q !== "number") {
          throw invalidArgument("pageToken is not a valid page token", { field: "pageToken" });
        }
        after = { step: s, time: t, seq: q };
      }
      const page = await store.metrics.readPoints(runId, key, {
        startStep: request.startStep,
        endStep: request.endStep,
        after,
        limit: request.limit,
      });
      if (!page) return { runId, key, points: [], nextPageToken: null };
      return {
        runId,
        key,
        points: page.points.map(wirePoint),
        nextPageToken: page.next ? encodePageToken({ s: page.next.step, t: page.next.time, q: page.next.seq }) : null,
      };
    },

    /** Yields every exact point of a run, series by series, page by page (bounded memory). */
    async *exportPoints(runId: string, keys?: string[]): AsyncGenerator<{ key: string; points: StoredPoint[] }> {
      await runs.requireRun(runId);
      const series = await store.metrics.listSeries(runId);
      const wanted = keys ? series.filter((s) => keys.includes(s.key)) : series;
      for (const s of wanted) {
        let after: { step: number; time: number; seq: number } | undefined;
        for (;;) {
          const page = await store.metrics.readPoints(runId, s.key, { after, limit: 50_000 });
          if (!page || page.points.length === 0) break;
          yield { key: s.key, points: page.points };
          if (!page.next) break;
          after = page.next;
        }
      }
    },
  };
}
