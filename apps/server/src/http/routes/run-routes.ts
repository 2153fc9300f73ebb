import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

export function registerRunRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.createRun, ({ body }) => s.runs.create(body));
  registerRoute(app, routes.getRun, ({ params }) => s.runs.get(params.runId));
  registerRoute(app, routes.updateRun, ({ params, body }) => s.runs.update(params.runId, body));
  registerRoute(app, routes.deleteRun, async ({ params, query }) => {
    await s.runs.remove(params.runId, query.purge);
    return { ok: true as const };
  });
  registerRoute(app, routes.restoreRun, ({ params }) => s.runs.restore(params.runId));
  registerRoute(app, routes.heartbeat, ({ params }) => s.runs.heartbeat(params.runId));
  registerRoute(app, routes.configHistory, ({ params }) => s.runs.configHistory(params.runId));
}
