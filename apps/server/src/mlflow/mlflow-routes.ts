import type { FastifyInstance } from "fastify";
import type { Services } from "../services/index.js";
import { registerArtifactRoutes } from "./artifact-routes.js";
import { registerExperimentRoutes } from "./experiment-routes.js";
import { registerLoggedModelRoutes } from "./logged-model-routes.js";
import { createMlflowExperiments } from "./mlflow-experiments.js";
import { type MlflowRouteGroup, registerMlflowApi } from "./mlflow-plugin.js";
import { createMlflowRuns } from "./mlflow-runs.js";
import { registryRoutes } from "./registry/registry-routes.js";
import { registerRunRoutes } from "./run-routes.js";
import { registerSearchRoutes } from "./search-routes.js";
import { registerServerRoutes } from "./server-routes.js";

/** Tracking, artifacts, logged models and server routes of the MLflow-compatible API. */
export const trackingRoutes: MlflowRouteGroup = (scope, services) => {
  const experiments = createMlflowExperiments(services);
  const runs = createMlflowRuns(services, experiments);
  registerServerRoutes(scope, services);
  registerExperimentRoutes(scope, services, experiments);
  registerRunRoutes(scope, services, runs);
  registerSearchRoutes(scope, services, experiments, runs);
  registerArtifactRoutes(scope, services, runs);
  registerLoggedModelRoutes(scope, services, experiments);
};

/**
 * Every MLflow route group; the model registry (apps/server/src/mlflow/registry/) adds its
 * group here with one line.
 */
export const mlflowRouteGroups: MlflowRouteGroup[] = [trackingRoutes, registryRoutes];

export async function registerMlflowRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await registerMlflowApi(app, services, mlflowRouteGroups);
}
