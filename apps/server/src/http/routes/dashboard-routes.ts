import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** Key catalogue, group aggregates, saved views and bulk actions (docs/dashboard-api.md). */
export function registerDashboardRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.listProjectKeys, ({ params, query }) => s.keys.keys(params.project, query));
  registerRoute(app, routes.listKeyValues, ({ params, query }) => s.keys.values(params.project, query));
  registerRoute(app, routes.groupRuns, ({ params, body }) => s.groups.group(params.project, body));
  registerRoute(app, routes.listViews, ({ params }) => s.views.list(params.project));
  registerRoute(app, routes.createView, ({ params, body }) => s.views.create(params.project, body));
  registerRoute(app, routes.getView, ({ params }) => s.views.get(params.project, params.name));
  registerRoute(app, routes.putView, ({ params, body }) => s.views.put(params.project, params.name, body.state));
  registerRoute(app, routes.deleteView, async ({ params }) => {
    await s.views.remove(params.project, params.name);
    return { ok: true as const };
  });
  registerRoute(app, routes.bulkRuns, ({ body }) => s.bulk.apply(body));
}
