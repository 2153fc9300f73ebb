import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

export function registerProjectRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.listProjects, ({ query }) => s.projects.list(query));
  registerRoute(app, routes.createProject, ({ body }) => s.projects.create(body));
  registerRoute(app, routes.getProject, async ({ params }) =>
    s.projects.view(await s.projects.require(params.project)),
  );
  registerRoute(app, routes.updateProject, ({ params, body }) => s.projects.update(params.project, body));
  registerRoute(app, routes.deleteProject, async ({ params, query }) => {
    await s.projects.remove(params.project, query.purge);
    return { ok: true as const };
  });
  registerRoute(app, routes.restoreProject, ({ params }) => s.projects.restore(params.project));
  registerRoute(app, routes.putMetricDefinition, ({ params, body }) =>
    s.projects.putMetricDefinition(params.project, { key: params.key, goal: body.goal }),
  );
  registerRoute(app, routes.deleteMetricDefinition, async ({ params }) => {
    await s.projects.deleteMetricDefinition(params.project, params.key);
    return { ok: true as const };
  });
  registerRoute(app, routes.searchRunsGet, ({ params, query }) =>
    s.search.search({ ...query, project: params.project }),
  );
  registerRoute(app, routes.searchRuns, ({ body }) => s.search.search(body));
}
