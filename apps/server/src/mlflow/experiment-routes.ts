import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Services } from "../services/index.js";
import { invalidParameter, resourceDoesNotExist } from "./mlflow-errors.js";
import type { MlflowExperiments, ResolvedExperiment } from "./mlflow-experiments.js";
import { compact, decodeOffsetToken, int64, pageOf, repeated } from "./mlflow-json.js";
import { registerMlflowRoute } from "./mlflow-route.js";
import { experimentGrammar, parseFilter, parseOrderBy } from "./search/filter-parser.js";
import { matchesAll, orderComparator, type Searchable } from "./search/run-matcher.js";

const tag = z.object({ key: z.string(), value: z.string() });
const idBody = z.object({ experiment_id: z.string() });
const VIEW_TYPES = { ACTIVE_ONLY: 1, DELETED_ONLY: 2, ALL: 3 } as const;
export const viewType = z
  .union([z.enum(["ACTIVE_ONLY", "DELETED_ONLY", "ALL"]), z.number(), z.string()])
  .optional()
  .transform((v): 1 | 2 | 3 => {
    if (v === 2 || v === "DELETED_ONLY" || v === "2") return 2;
    if (v === 3 || v === "ALL" || v === "3") return 3;
    return VIEW_TYPES.ACTIVE_ONLY;
  });

export function inView(deleted: boolean, view: 1 | 2 | 3): boolean {
  return view === 3 || (view === 1 ? !deleted : deleted);
}

const searchArgs = z.object({
  max_results: int64.optional(),
  page_token: z.string().optional(),
  filter: z.string().optional(),
  order_by: repeated(z.string()).optional(),
  view_type: viewType,
});

const MAX_EXPERIMENTS_PER_PAGE = 50_000;

export function registerExperimentRoutes(app: FastifyInstance, services: Services, experiments: MlflowExperiments) {
  const { store, projects, clock } = services;
  const one = async (r: ResolvedExperiment) => ({ experiment: (await experiments.views([r]))[0] });

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/experiments/create",
      body: z.object({ name: z.string(), artifact_location: z.string().optional(), tags: z.array(tag).optional() }),
    },
    async ({ body }) => {
      const id = await experiments.create(body.name, body.artifact_location || undefined);
      for (const t of body.tags ?? []) await store.mlflow.setExperimentTag(id, t.key, t.value);
      return { experiment_id: String(id) };
    },
  );

  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/experiments/get", query: idBody },
    async ({ query }) => await one(await experiments.require(query.experiment_id)),
  );

  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/experiments/get-by-name", query: z.object({ experiment_name: z.string() }) },
    async ({ query }) => await one(await experiments.byName(query.experiment_name)),
  );

  const search = async (args: z.output<typeof searchArgs>) => {
    const max = args.max_results ?? 1000;
    if (max < 1 || max > MAX_EXPERIMENTS_PER_PAGE) {
      throw invalidParameter(
        `Invalid value ${max} for parameter 'max_results' supplied. It must be a positive integer at most ${MAX_EXPERIMENTS_PER_PAGE}`,
      );
    }
    const clauses = parseFilter(args.filter, experimentGrammar);
    const order = parseOrderBy(args.order_by, experimentGrammar);
    const offset = decodeOffsetToken(args.page_token);
    const all = (await experiments.listAll()).filter((r) => inView(r.project.deletedAt !== null, args.view_type));
    const tags = await store.mlflow.listExperimentTags(all.map((r) => r.experiment.experimentId));
    const rows = all.map((r) => {
      const searchable: Searchable = {
        attributes: {
          name: r.experiment.name,
          experiment_id: r.experiment.experimentId,
          creation_time: r.project.createdAt,
          last_update_time: r.project.updatedAt,
        },
        params: {},
        tags: tags.get(r.experiment.experimentId) ?? {},
        metrics: {},
        datasets: [],
      };
      return { r, searchable };
    });
    const matching = rows.filter((x) => matchesAll(x.searchable, clauses));
    // MLflow's default order: newest first (creation time desc, then id).
    const defaults =
      order.length > 0 ? order : [{ type: "attribute" as const, key: "creation_time", ascending: false }];
    const compare = orderComparator(
      defaults,
      (a, b) => (a.attributes.experiment_id as number) - (b.attributes.experiment_id as number),
    );
    matching.sort((a, b) => compare(a.searchable, b.searchable));
    const { page, nextPageToken } = pageOf(matching, offset, max);
    return compact({
      experiments: await experiments.views(page.map((x) => x.r)),
      next_page_token: nextPageToken,
    });
  };
  registerMlflowRoute(app, { method: "POST", path: "/mlflow/experiments/search", body: searchArgs }, ({ body }) =>
    search(body),
  );
  registerMlflowRoute(app, { method: "GET", path: "/mlflow/experiments/search", query: searchArgs }, ({ query }) =>
    search(query),
  );

  // MLflow 1.x's experiments/list (removed in 2.x, still called by older clients such as npm `mlflow`)
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/experiments/list", query: z.object({ view_type: viewType }) },
    async ({ query }) => {
      const all = (await experiments.listAll()).filter((r) => inView(r.project.deletedAt !== null, query.view_type));
      return compact({ experiments: await experiments.views(all.slice(0, MAX_EXPERIMENTS_PER_PAGE)) });
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/experiments/update",
      body: z.object({ experiment_id: z.string(), new_name: z.string().optional() }),
    },
    async ({ body }) => {
      if (body.new_name === undefined || body.new_name === "") {
        await experiments.require(body.experiment_id);
        return {};
      }
      await experiments.rename(body.experiment_id, body.new_name);
      return {};
    },
  );

  registerMlflowRoute(app, { method: "POST", path: "/mlflow/experiments/delete", body: idBody }, async ({ body }) => {
    experiments.assertNotDefaultDelete(body.experiment_id);
    const { project } = await experiments.require(body.experiment_id);
    if (project.deletedAt === null) await projects.remove(project.name, false);
    return {};
  });

  registerMlflowRoute(app, { method: "POST", path: "/mlflow/experiments/restore", body: idBody }, async ({ body }) => {
    const { project } = await experiments.require(body.experiment_id);
    if (project.deletedAt !== null) await projects.restore(project.name);
    return {};
  });

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/experiments/set-experiment-tag",
      body: z.object({ experiment_id: z.string(), key: z.string(), value: z.string() }),
    },
    async ({ body }) => {
      const { experiment, project } = await experiments.requireActive(body.experiment_id);
      if (body.key.length === 0 || body.key.length > 250) throw invalidParameter("Invalid experiment tag key length");
      await store.mlflow.setExperimentTag(experiment.experimentId, body.key, body.value.slice(0, 5000));
      await store.projects.update(project.id, { updatedAt: clock.now() });
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/experiments/delete-experiment-tag",
      body: z.object({ experiment_id: z.string(), key: z.string() }),
    },
    async ({ body }) => {
      const { experiment } = await experiments.requireActive(body.experiment_id);
      const removed = await store.mlflow.deleteExperimentTag(experiment.experimentId, body.key);
      if (!removed) throw resourceDoesNotExist(`No tag with name: ${body.key} in experiment ${body.experiment_id}`);
      return {};
    },
  );
}
