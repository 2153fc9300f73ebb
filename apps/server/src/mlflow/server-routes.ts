import type { FastifyInstance } from "fastify";
import type { Services } from "../services/index.js";
import { SERVER_VERSION } from "../version.js";
import { registerMlflowRoute } from "./mlflow-route.js";

/** MLflow's Flask routes outside the proto services (MLFLOW-API.md §4.1). */
export const MLFLOW_COMPAT_VERSION = "3.11.2";

export function registerServerRoutes(app: FastifyInstance, _services: Services) {
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/server-info", prefixes: ["/api/3.0", "/ajax-api/3.0"] },
    async () => ({ store_type: "SqlStore", workspaces_enabled: false }),
  );
  registerMlflowRoute(app, { method: "GET", path: "/health", prefixes: [""] }, async ({ reply }) =>
    reply.type("text/plain").send("OK"),
  );
  registerMlflowRoute(app, { method: "GET", path: "/version", prefixes: [""] }, async ({ reply }) =>
    reply.type("text/plain").header("x-looplab-version", SERVER_VERSION).send(MLFLOW_COMPAT_VERSION),
  );
}
