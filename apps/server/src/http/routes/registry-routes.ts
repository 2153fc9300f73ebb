import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** The native model registry (docs/registry.md). */
export function registerRegistryRoutes(app: FastifyInstance, s: Services): void {
  const ok = { ok: true as const };
  registerRoute(app, routes.listModels, ({ query }) => s.registry.list(query));
  registerRoute(app, routes.createModel, ({ body }) => s.registry.createModel(body));
  registerRoute(app, routes.getModel, ({ params, query }) => s.registry.getModel(params.name, query.includeDeleted));
  registerRoute(app, routes.updateModel, ({ params, body }) => s.registry.updateModel(params.name, body));
  registerRoute(app, routes.deleteModel, async ({ params, query }) => {
    await s.registry.deleteModel(params.name, query.purge);
    return ok;
  });
  registerRoute(app, routes.restoreModel, ({ params }) => s.registry.restoreModel(params.name));
  registerRoute(app, routes.listModelVersions, ({ params, query }) => s.registry.listVersions(params.name, query));
  registerRoute(app, routes.createModelVersion, ({ params, body }) => s.registry.createVersion(params.name, body));
  registerRoute(app, routes.getModelVersion, ({ params }) => s.registry.getVersion(params.name, params.version));
  registerRoute(app, routes.updateModelVersion, ({ params, body }) =>
    s.registry.updateVersion(params.name, params.version, body),
  );
  registerRoute(app, routes.deleteModelVersion, async ({ params }) => {
    await s.registry.deleteVersion(params.name, params.version);
    return ok;
  });
  registerRoute(app, routes.listModelVersionFiles, ({ params, query }) =>
    s.registry.listFiles(params.name, params.version, query),
  );
  registerRoute(app, routes.downloadModelVersion, async ({ params, query, reply }) => {
    const { file, stream } = await s.registry.openFile(params.name, params.version, query.path);
    const base = file.path.split("/").at(-1) ?? "file";
    return reply
      .header("etag", `"${file.sha256}"`)
      .header("x-looplab-sha256", file.sha256)
      .header("content-length", file.size)
      .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(base)}`)
      .type("application/octet-stream")
      .send(stream);
  });
  registerRoute(app, routes.getModelAlias, ({ params }) => s.registry.getAlias(params.name, params.alias));
  registerRoute(app, routes.setModelAlias, ({ params, body }) =>
    s.registry.setAlias(params.name, params.alias, body.version),
  );
  registerRoute(app, routes.deleteModelAlias, async ({ params }) => {
    await s.registry.deleteAlias(params.name, params.alias);
    return ok;
  });
  registerRoute(app, routes.runModelVersions, ({ params }) => s.registry.versionsOfRun(params.runId));
}
