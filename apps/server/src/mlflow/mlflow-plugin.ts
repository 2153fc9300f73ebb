import type { FastifyInstance } from "fastify";
import type { Services } from "../services/index.js";
import { mlflowErrorHandler } from "./mlflow-errors.js";

/** Adds a group of MLflow routes to the MLflow scope (use `registerMlflowRoute` on `scope`). */
export type MlflowRouteGroup = (scope: FastifyInstance, services: Services) => void | Promise<void>;

/**
 * The MLflow-compatible API (docs/mlflow.md): every MLflow route lives in this one Fastify scope,
 * whose error handler answers MLflow's `{"error_code","message"}` while Looplab's `/api/v1`
 * keeps its own error shape. The root access gate (an onRequest hook installed before this
 * scope) applies to every route here too (DESIGN.md §2.8).
 */
export async function registerMlflowApi(
  app: FastifyInstance,
  services: Services,
  groups: readonly MlflowRouteGroup[],
): Promise<void> {
  await app.register(async (scope) => {
    scope.setErrorHandler(mlflowErrorHandler);
    for (const group of groups) await group(scope, services);
  });
}
