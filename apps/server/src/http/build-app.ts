import swagger from "@fastify/swagger";
import { routes } from "@looplab/core";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import { registerMlflowRoutes } from "../mlflow/mlflow-routes.js";
import type { Services } from "../services/index.js";
import { SERVER_VERSION } from "../version.js";
import { type AccessPolicy, installAccessGate, openAccess } from "./access-gate.js";
import { errorHandler } from "./error-handler.js";
import { installJsonBodyParser } from "./json-body-parser.js";
import { registerRoute } from "./register-route.js";
import { installRequestLog } from "./request-log.js";
import { registerArtifactRoutes } from "./routes/artifact-routes.js";
import { registerDashboardRoutes } from "./routes/dashboard-routes.js";
import { registerEventRoutes } from "./routes/event-routes.js";
import { registerImportRoutes } from "./routes/import-routes.js";
import { registerLogRoutes } from "./routes/log-routes.js";
import { registerMetricRoutes } from "./routes/metric-routes.js";
import { registerProjectRoutes } from "./routes/project-routes.js";
import { registerQueueRoutes } from "./routes/queue-routes.js";
import { registerRegistryRoutes } from "./routes/registry-routes.js";
import { registerRunRoutes } from "./routes/run-routes.js";
import { registerSweepRoutes } from "./routes/sweep-routes.js";
import { installWebUi } from "./web-ui.js";

export interface AppOptions {
  logger?: FastifyBaseLogger | boolean;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  bodyLimit?: number;
  access?: AccessPolicy;
  /** Folder of the built dashboard (apps/web/dist); omitted or unbuilt, `/` explains how to build it. */
  webRoot?: string | undefined;
}

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

export async function buildApp(services: Services, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: typeof options.logger === "object" ? options.logger : undefined,
    logger: typeof options.logger === "boolean" ? options.logger : undefined,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify's two lines per request are replaced by one wide event (installRequestLog).
    logController: new LogController({ disableRequestLogging: true }),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  installAccessGate(app, options.access ?? openAccess);
  installRequestLog(app);
  installJsonBodyParser(app);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Looplab API", version: SERVER_VERSION, description: "The public, versioned Looplab API." },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  registerRoute(app, routes.health, async () => ({
    status: "ok" as const,
    version: SERVER_VERSION,
    store: services.store.dialect,
    time: services.clock.now(),
  }));
  registerProjectRoutes(app, services);
  registerRunRoutes(app, services);
  registerMetricRoutes(app, services);
  registerLogRoutes(app, services);
  registerImportRoutes(app, services);
  registerEventRoutes(app, services);
  registerDashboardRoutes(app, services);
  registerArtifactRoutes(app, services);
  registerSweepRoutes(app, services);
  await registerMlflowRoutes(app, services);
  registerRegistryRoutes(app, services);
  registerQueueRoutes(app, services);
  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await installWebUi(app, options.webRoot);
  await app.ready();
  return app;
}
