import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** Portability routes: a complete export listing and the exact-restore import routes. */
export function registerImportRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.exportProjectRuns, ({ params, query }) => s.imports.exportRuns(params.project, query));
  registerRoute(app, routes.importProject, ({ body }) => s.imports.importProject(body));
  registerRoute(app, routes.importRun, ({ body }) => s.imports.importRun(body));
  registerRoute(app, routes.importRunMetrics, ({ params, body }) => s.imports.importMetrics(params.runId, body));
  registerRoute(app, routes.importRunArtifacts, ({ params, body }) => s.artifacts.importArtifacts(params.runId, body));
}
