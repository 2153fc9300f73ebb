import { type ModelStage, modelStages } from "@looplab/core";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Services } from "../../services/index.js";
import { invalidParameter } from "../mlflow-errors.js";
import { createMlflowExperiments } from "../mlflow-experiments.js";
import { decodeOffsetToken, encodeOffsetToken, int64, queryBoolean, repeated } from "../mlflow-json.js";
import type { MlflowRouteGroup } from "../mlflow-plugin.js";
import { parseMlflowInput, registerMlflowRoute } from "../mlflow-route.js";
import { toMlflowModel, toMlflowVersion } from "./registry-entities.js";
import { modelSearchOf, versionSearchOf } from "./registry-search.js";
import { resolveSource } from "./registry-source.js";

/**
 * MLflow's model registry (MLFLOW-API.md table B) over Looplab's registry service. Registered
 * models deleted through MLflow are purged (MLflow deletes for good, and clients re-create the
 * name); version numbers are never reused.
 */
const name = z.string().min(1);
const versionString = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v);
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    ctx.addIssue({ code: "custom", message: `Model version must be an integer, got '${text}'` });
    return z.NEVER;
  }
  return Number(text);
});
const keyValue = z.object({ key: z.string().min(1).max(250), value: z.string().max(100_000) });
const tagsOf = (list: { key: string; value: string }[] | undefined) =>
  Object.fromEntries((list ?? []).map((t) => [t.key, t.value]));

/** The query of both registry searches: MLflow's filter and order_by, paged by token. */
const searchQuery = z.object({
  filter: z.string().optional(),
  max_results: int64.optional(),
  order_by: repeated(z.string()).optional(),
  page_token: z.string().optional(),
});
const MAX_MODELS_PER_PAGE = 1000;
const MAX_VERSIONS_PER_PAGE = 200_000;
const DEFAULT_VERSIONS_PER_PAGE = 10_000;

function stageOf(text: string): ModelStage {
  const stage = modelStages.find((s) => s.toLowerCase() === text.toLowerCase());
  if (!stage)
    throw invalidParameter(`Invalid Model Version stage: ${text}. Value must be one of ${modelStages.join(", ")}.`);
  return stage;
}

/** DELETE requests may carry their fields in a JSON body (the Python client) or the query string (curl). */
function deleteArgs<T extends z.ZodType>(schema: T, request: FastifyRequest): z.output<T> {
  const body = typeof request.body === "object" && request.body !== null ? request.body : {};
  return parseMlflowInput(schema, { ...(request.query as object), ...body });
}

function maxResults(value: number | undefined, fallback: number, max: number): number {
  const n = value ?? fallback;
  if (n < 1 || n > max) {
    throw invalidParameter(`Invalid value ${n} for parameter 'max_results' supplied: it must be between 1 and ${max}`);
  }
  return n;
}

function registerModelRoutes(app: FastifyInstance, s: Services): void {
  const r = s.registry;
  const modelView = async (modelName: string) => {
    const model = await r.getModel(modelName);
    return toMlflowModel(model, await r.latestVersions(modelName, []));
  };

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/registered-models/create",
      body: z.object({ name, tags: z.array(keyValue).optional(), description: z.string().optional() }),
    },
    async ({ body }) => {
      await r.createModel({ name: body.name, description: body.description ?? "", tags: tagsOf(body.tags) });
      return { registered_model: await modelView(body.name) };
    },
  );
  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/registered-models/rename", body: z.object({ name, new_name: name }) },
    async ({ body }) => {
      await r.updateModel(body.name, { newName: body.new_name });
      return { registered_model: await modelView(body.new_name) };
    },
  );
  registerMlflowRoute(
    app,
    {
      method: "PATCH",
      path: "/mlflow/registered-models/update",
      body: z.object({ name, description: z.string().optional() }),
    },
    async ({ body }) => {
      await r.updateModel(body.name, body.description !== undefined ? { description: body.description } : {});
      return { registered_model: await modelView(body.name) };
    },
  );
  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/registered-models/delete" }, async ({ request }) => {
    const args = deleteArgs(z.object({ name }), request);
    await r.deleteModel(args.name, true);
  });
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/registered-models/get", query: z.object({ name }) },
    async ({ query }) => ({ registered_model: await modelView(query.name) }),
  );
  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/registered-models/search",
      query: searchQuery,
    },
    async ({ query }) => {
      const limit = maxResults(query.max_results, 100, MAX_MODELS_PER_PAGE);
      const offset = decodeOffsetToken(query.page_token);
      const page = await r.modelPage(modelSearchOf(query.filter, query.order_by), offset, limit);
      const models = [];
      for (const m of page.models) models.push(toMlflowModel(m, await r.latestVersions(m.name, [])));
      return {
        ...(models.length > 0 ? { registered_models: models } : {}),
        ...(page.more ? { next_page_token: encodeOffsetToken(offset + limit) } : {}),
      };
    },
  );
  const latest = async (args: { name: string; stages?: string[] | undefined }) => {
    const versions = await r.latestVersions(args.name, (args.stages ?? []).map(stageOf));
    return versions.length > 0 ? { model_versions: versions.map(toMlflowVersion) } : {};
  };
  const latestArgs = z.object({ name, stages: repeated(z.string()).optional() });
  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/registered-models/get-latest-versions", body: latestArgs },
    ({ body }) => latest(body),
  );
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/registered-models/get-latest-versions", query: latestArgs },
    ({ query }) => latest(query),
  );
  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/registered-models/set-tag", body: z.object({ name, ...keyValue.shape }) },
    async ({ body }) => {
      await r.updateModel(body.name, { tags: { [body.key]: body.value } });
    },
  );
  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/registered-models/delete-tag" }, async ({ request }) => {
    const args = deleteArgs(z.object({ name, key: z.string().min(1) }), request);
    await r.updateModel(args.name, { removeTags: [args.key] });
  });
  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/registered-models/alias",
      body: z.object({ name, alias: z.string().min(1).max(255), version: versionString }),
    },
    async ({ body }) => {
      await r.setAlias(body.name, body.alias, body.version);
    },
  );
  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/registered-models/alias" }, async ({ request }) => {
    const args = deleteArgs(z.object({ name, alias: z.string().min(1) }), request);
    await r.deleteAlias(args.name, args.alias);
  });
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/registered-models/alias", query: z.object({ name, alias: z.string().min(1) }) },
    async ({ query }) => ({ model_version: toMlflowVersion(await r.getAlias(query.name, query.alias)) }),
  );
}

function registerVersionRoutes(app: FastifyInstance, s: Services): void {
  const r = s.registry;
  const experiments = createMlflowExperiments(s);
  const versionArgs = z.object({ name, version: versionString });

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/model-versions/create",
      body: z.object({
        name,
        source: z.string().min(1),
        run_id: z.string().optional(),
        tags: z.array(keyValue).optional(),
        run_link: z.string().optional(),
        description: z.string().optional(),
        model_id: z.string().optional(),
      }),
    },
    async ({ body }) => {
      const target = await resolveSource(s, body.source, body.run_id || undefined);
      if (!/^[0-9a-f]{32}$/.test(target.runId)) throw invalidParameter(`Invalid run id '${target.runId}'`);
      const version = await r.createVersion(
        body.name,
        {
          runId: target.runId,
          path: "-",
          source: body.source,
          description: body.description ?? "",
          tags: tagsOf(body.tags),
        },
        { path: target.path, allowMissingArtifact: true },
      );
      return { model_version: toMlflowVersion(version) };
    },
  );
  registerMlflowRoute(
    app,
    {
      method: "PATCH",
      path: "/mlflow/model-versions/update",
      body: z.object({ ...versionArgs.shape, description: z.string().optional() }),
    },
    async ({ body }) => ({
      model_version: toMlflowVersion(
        await r.updateVersion(
          body.name,
          body.version,
          body.description !== undefined ? { description: body.description } : {},
        ),
      ),
    }),
  );
  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/model-versions/transition-stage",
      body: z.object({ ...versionArgs.shape, stage: z.string(), archive_existing_versions: queryBoolean.optional() }),
    },
    async ({ body }) => ({
      model_version: toMlflowVersion(
        await r.updateVersion(body.name, body.version, {
          stage: stageOf(body.stage),
          archiveExistingVersions: body.archive_existing_versions ?? false,
        }),
      ),
    }),
  );
  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/model-versions/delete" }, async ({ request }) => {
    const args = deleteArgs(versionArgs, request);
    await r.deleteVersion(args.name, args.version);
  });
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/model-versions/get", query: versionArgs },
    async ({ query }) => ({ model_version: toMlflowVersion(await r.getVersion(query.name, query.version)) }),
  );
  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/model-versions/search",
      query: searchQuery,
    },
    async ({ query }) => {
      const limit = maxResults(query.max_results, DEFAULT_VERSIONS_PER_PAGE, MAX_VERSIONS_PER_PAGE);
      const offset = decodeOffsetToken(query.page_token);
      const page = await r.versionPage(versionSearchOf(query.filter, query.order_by), offset, limit);
      return {
        ...(page.versions.length > 0 ? { model_versions: page.versions.map(toMlflowVersion) } : {}),
        ...(page.more ? { next_page_token: encodeOffsetToken(offset + limit) } : {}),
      };
    },
  );
  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/model-versions/get-download-uri", query: versionArgs },
    async ({ query }) => {
      const version = await r.getVersion(query.name, query.version);
      const run = await s.store.runs.get(version.runId);
      const project = run ? await s.store.projects.getById(run.projectId) : null;
      const unmapped = version.path === "" && version.fileCount === 0 && !version.source.startsWith("runs:/");
      if (!project || unmapped) return { artifact_uri: version.source };
      const experiment = await experiments.forProject(project);
      const suffix = version.path === "" ? "" : `/${version.path}`;
      return { artifact_uri: `mlflow-artifacts:/${experiment.experimentId}/${version.runId}/artifacts${suffix}` };
    },
  );
  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/model-versions/set-tag",
      body: z.object({ ...versionArgs.shape, ...keyValue.shape }),
    },
    async ({ body }) => {
      await r.updateVersion(body.name, body.version, { tags: { [body.key]: body.value } });
    },
  );
  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/model-versions/delete-tag" }, async ({ request }) => {
    const args = deleteArgs(z.object({ ...versionArgs.shape, key: z.string().min(1) }), request);
    await r.updateVersion(args.name, args.version, { removeTags: [args.key] });
  });
}

/** The registry's route group for the MLflow scope (mlflow-routes.ts lists it). */
export const registryRoutes: MlflowRouteGroup = (scope, services) => {
  registerModelRoutes(scope, services);
  registerVersionRoutes(scope, services);
};
