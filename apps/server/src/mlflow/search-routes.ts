import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { MlflowRunIoRecord } from "../ports/mlflow-repo.js";
import type { RunRecord } from "../ports/store.js";
import type { Services } from "../services/index.js";
import { inView, viewType } from "./experiment-routes.js";
import { decodeHistoryCursor, encodeHistoryCursor, historyJson } from "./history-json.js";
import { invalidParameter } from "./mlflow-errors.js";
import type { MlflowExperiments } from "./mlflow-experiments.js";
import { compact, decodeOffsetToken, encodeDouble, int64, pageOf, repeated } from "./mlflow-json.js";
import { JsonText, registerMlflowRoute } from "./mlflow-route.js";
import { type RunContext, runEntityOf, searchableOf } from "./mlflow-run-view.js";
import type { MlflowRuns } from "./mlflow-runs.js";
import { runIdOf } from "./run-routes.js";
import {
  type Clause,
  type EntityType,
  type OrderTerm,
  parseFilter,
  parseOrderBy,
  runGrammar,
} from "./search/filter-parser.js";
import { nativePrefilter } from "./search/native-prefilter.js";
import { matchesAll, orderComparator } from "./search/run-matcher.js";

const SEARCH_MAX_RESULTS = 50_000;
/** The Python client's page size for history; also our default and cap (bounded reads, DESIGN.md §2.6). */
export const HISTORY_PAGE = 25_000;

/** What of a run's details (beyond its record) a search must read to filter and order. */
interface DetailNeeds {
  series: boolean;
  io: boolean;
}

function detailNeedsOf(clauses: readonly Clause[], order: readonly OrderTerm[]): DetailNeeds {
  const refers = (type: EntityType) => clauses.some((c) => c.type === type) || order.some((o) => o.type === type);
  return { series: refers("metric"), io: refers("dataset") };
}

/**
 * runs/search and metric history. MLflow's filter is parsed by search/filter-parser.ts and
 * evaluated over the runs of the requested experiments with MLflow's semantics (string params,
 * case-sensitive LIKE, missing never matches): Looplab's native filter types params and has no
 * LIKE, so it cannot express these exactly; the candidates are read in pages of 1,000 runs, with
 * their metric summaries and inputs only when the filter or the order refers to them (otherwise
 * only for the page answered).
 */
export function registerSearchRoutes(
  app: FastifyInstance,
  services: Services,
  experiments: MlflowExperiments,
  runs: MlflowRuns,
) {
  const { store, metrics } = services;

  /** A native search page; should the store refuse the translated prefilter, no prefilter (correct, slower). */
  async function nativePage(projectId: string, filter: string, offset: number) {
    const request = { projectId, sort: "-createdAt", offset, limit: 1000, includeDeleted: true, withTotal: false };
    try {
      return await store.runs.search({ ...request, filter });
    } catch (error) {
      if (filter === "") throw error;
      return null;
    }
  }

  /**
   * The runs of an experiment as search contexts. Metric summaries and inputs are read only when
   * the filter or the order needs them (`needs`); `withDetails` adds them to the page answered.
   */
  async function contextsOf(
    projectId: string,
    experimentId: number,
    prefilter: string,
    needs: DetailNeeds,
  ): Promise<RunContext[]> {
    const out: RunContext[] = [];
    let filter = prefilter;
    for (let offset = 0; ; offset += 1000) {
      let page = await nativePage(projectId, filter, offset);
      if (page === null) {
        filter = "";
        out.length = 0;
        offset = 0;
        page = await nativePage(projectId, filter, offset);
      }
      if (page === null) return out;
      const [records, details] = await Promise.all([store.runs.getMany(page.runIds), detailsOf(page.runIds, needs)]);
      for (const run of records as RunRecord[]) out.push({ run, experimentId, ...details(run.id) });
      if (!page.hasMore) return out;
    }
  }

  /** Metric summaries and inputs/outputs of some runs, each read only when needed. */
  async function detailsOf(runIds: string[], needs: DetailNeeds) {
    const [series, io] = await Promise.all([
      needs.series ? store.metrics.listSeriesForRuns(runIds) : null,
      needs.io ? store.mlflow.listRunIo(runIds) : null,
    ]);
    const ioByRun = new Map<string, MlflowRunIoRecord[]>();
    for (const r of io ?? []) {
      const list = ioByRun.get(r.runId);
      if (list) list.push(r);
      else ioByRun.set(r.runId, [r]);
    }
    return (runId: string) => ({ series: series?.get(runId) ?? [], io: ioByRun.get(runId) ?? [] });
  }

  /** The contexts of the runs answered, with what the search itself did not need to read. */
  async function withDetails(contexts: RunContext[], read: DetailNeeds): Promise<RunContext[]> {
    const missing = { series: !read.series, io: !read.io };
    if (!missing.series && !missing.io) return contexts;
    const details = await detailsOf(
      contexts.map((c) => c.run.id),
      missing,
    );
    return contexts.map((c) => {
      const more = details(c.run.id);
      return { ...c, series: missing.series ? more.series : c.series, io: missing.io ? more.io : c.io };
    });
  }

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/search",
      body: z.object({
        experiment_ids: repeated(z.string()).optional(),
        filter: z.string().optional(),
        run_view_type: viewType,
        max_results: int64.optional(),
        order_by: repeated(z.string()).optional(),
        page_token: z.string().optional(),
      }),
    },
    async ({ body }) => {
      const max = body.max_results ?? 1000;
      if (max < 1 || max > SEARCH_MAX_RESULTS) {
        throw invalidParameter(
          `Invalid value ${max} for parameter 'max_results' supplied. It must be at most ${SEARCH_MAX_RESULTS}`,
        );
      }
      const clauses = parseFilter(body.filter, runGrammar);
      const order = parseOrderBy(body.order_by, runGrammar);
      const offset = decodeOffsetToken(body.page_token);
      const prefilter = nativePrefilter(clauses);
      const needs = detailNeedsOf(clauses, order);
      const ids = body.experiment_ids ?? [];
      if (ids.length === 0) return {};
      const candidates: { context: RunContext; searchable: ReturnType<typeof searchableOf> }[] = [];
      for (const id of new Set(ids)) {
        const { experiment, project } = await experiments.require(id);
        for (const context of await contextsOf(project.id, experiment.experimentId, prefilter, needs)) {
          if (!inView(context.run.deletedAt !== null, body.run_view_type)) continue;
          const searchable = searchableOf(context);
          if (matchesAll(searchable, clauses)) candidates.push({ context, searchable });
        }
      }
      const compare = orderComparator(order, (a, b) => {
        const dt = (b.attributes.start_time as number) - (a.attributes.start_time as number);
        if (dt !== 0) return dt;
        return (a.attributes.run_id as string) < (b.attributes.run_id as string) ? -1 : 1;
      });
      candidates.sort((a, b) => compare(a.searchable, b.searchable));
      const { page, nextPageToken } = pageOf(candidates, offset, max);
      const contexts = await withDetails(
        page.map((c) => c.context),
        needs,
      );
      const entities = contexts.map((context, i) => runEntityOf(context, page[i]?.searchable));
      return compact({ runs: entities, next_page_token: nextPageToken });
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/metrics/get-history",
      query: z.object({
        run_id: z.string().optional(),
        run_uuid: z.string().optional(),
        metric_key: z.string(),
        page_token: z.string().optional(),
        max_results: int64.optional(),
      }),
    },
    async ({ query }) => {
      const runId = await runs.requireId(runIdOf(query));
      const limit = Math.min(Math.max(query.max_results ?? HISTORY_PAGE, 1), HISTORY_PAGE);
      const after = decodeHistoryCursor(query.page_token || undefined);
      const page = await store.metrics.readPoints(runId, query.metric_key, { limit, after });
      const next = page?.next ? encodeHistoryCursor(page.next) : undefined;
      return new JsonText(historyJson(query.metric_key, runId, page?.points ?? [], next));
    },
  );

  async function bulk(runIds: string[], key: string, maxResults: number, startStep?: number, endStep?: number) {
    if (runIds.length === 0) throw invalidParameter("Missing value for required parameter 'run_ids'.");
    if (runIds.length > 100) throw invalidParameter("At most 100 run ids may be given.");
    if (maxResults < 1 || maxResults > HISTORY_PAGE) {
      throw invalidParameter(`max_results must be between 1 and ${HISTORY_PAGE}`);
    }
    const out: Record<string, unknown>[] = [];
    for (const id of runIds) {
      const run = await runs.require(id);
      const window = await metrics.window(run.id, key, { buckets: maxResults, startStep, endStep });
      let lastStep: number | undefined;
      for (const bucket of window.buckets) {
        for (const point of bucket.first.step === bucket.last.step ? [bucket.first] : [bucket.first, bucket.last]) {
          if (point.step === lastStep) continue;
          lastStep = point.step;
          out.push({
            key,
            value: encodeDouble(typeof point.value === "number" ? point.value : Number(point.value)),
            timestamp: point.time,
            step: point.step,
            run_id: run.id,
          });
        }
      }
    }
    return compact({ metrics: out });
  }

  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/metrics/get-history-bulk-interval",
      query: z.object({
        run_ids: repeated(z.string()).optional(),
        metric_key: z.string(),
        start_step: int64.optional(),
        end_step: int64.optional(),
        max_results: int64.optional(),
      }),
    },
    async ({ query }) => {
      if (query.start_step !== undefined && query.end_step !== undefined && query.start_step > query.end_step) {
        throw invalidParameter("end_step must be greater than start_step.");
      }
      return await bulk(
        query.run_ids ?? [],
        query.metric_key,
        query.max_results ?? 320,
        query.start_step,
        query.end_step,
      );
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/metrics/get-history-bulk",
      prefixes: ["/ajax-api/2.0"],
      query: z.object({
        run_id: repeated(z.string()).optional(),
        metric_key: z.string(),
        max_results: int64.optional(),
      }),
    },
    async ({ query }) => await bulk(query.run_id ?? [], query.metric_key, query.max_results ?? HISTORY_PAGE),
  );
}
