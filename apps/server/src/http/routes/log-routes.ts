import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** `POST|GET /api/v1/runs/:runId/logs` (docs/logs.md). */
export function registerLogRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.appendLogs, ({ params, body }) => s.logs.append(params.runId, body));
  registerRoute(app, routes.readLogs, ({ params, query }) => s.logs.read(params.runId, query));
}
