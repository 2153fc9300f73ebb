import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** Sweeps (docs/sweeps.md): create, list, progress, trials, cancel. */
export function registerSweepRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.createSweep, ({ body }) => s.sweeps.create(body));
  registerRoute(app, routes.listSweeps, ({ query }) => s.sweeps.list(query));
  registerRoute(app, routes.getSweep, ({ params }) => s.sweeps.get(params.sweepId));
  registerRoute(app, routes.listSweepTrials, ({ params, query }) => s.sweeps.trials(params.sweepId, query));
  registerRoute(app, routes.cancelSweep, ({ params }) => s.sweeps.cancel(params.sweepId));
}
