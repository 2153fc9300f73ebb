import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { MlflowLoggedModelRecord } from "../ports/mlflow-repo.js";
import type { Services } from "../services/index.js";
import { invalidParameter, resourceDoesNotExist } from "./mlflow-errors.js";
import type { MlflowExperiments } from "./mlflow-experiments.js";
import { compact, decodeOffsetToken, int64, pageOf, repeated } from "./mlflow-json.js";
import { registerMlflowRoute } from "./mlflow-route.js";
import { parseFilter, type SearchGrammar } from "./search/filter-parser.js";
import { matchesAll, type Searchable } from "./search/run-matcher.js";

/**
 * MLflow 3 logged models, stored in `mlflow_logged_models` (they have no Looplab home yet).
 * Their artifacts live under the source run's tree (`models/<model_id>/`) when a run is given.
 */
/** The logged-model filter: `name = 'model' AND source_run_id = '…'` (what download_artifacts sends), tags, params. */
const loggedModelGrammar: SearchGrammar = {
  numericAttributes: { creation_timestamp: "creation_timestamp", last_updated_timestamp: "last_updated_timestamp" },
  stringAttributes: {
    name: "name",
    source_run_id: "source_run_id",
    model_id: "model_id",
    status: "status",
    model_type: "model_type",
  },
  listAttributes: new Set(["name", "source_run_id", "model_id", "status"]),
  entities: new Set(["attribute", "tag", "param"]),
};
const MAX_LOGGED_MODELS_SCANNED = 50_000;

function searchableOf(record: MlflowLoggedModelRecord): Searchable {
  const p = record.payload as {
    name?: string;
    model_type?: string;
    status?: string;
    tags?: Record<string, string>;
    params?: Record<string, string>;
  };
  return {
    attributes: {
      name: p.name ?? null,
      source_run_id: record.runId,
      model_id: record.modelId,
      status: p.status ?? "LOGGED_MODEL_PENDING",
      model_type: p.model_type ?? null,
      creation_timestamp: record.createdAt,
      last_updated_timestamp: record.updatedAt,
    },
    params: p.params ?? {},
    tags: p.tags ?? {},
    metrics: {},
    datasets: [],
  };
}

const keyValue = z.object({ key: z.string(), value: z.string() });
const STATUSES = new Set(["LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"]);

function entityOf(record: MlflowLoggedModelRecord) {
  const p = record.payload as {
    name?: string;
    model_type?: string;
    status?: string;
    tags?: Record<string, string>;
    params?: Record<string, string>;
  };
  const artifactUri = record.runId
    ? `mlflow-artifacts:/${record.experimentId}/${record.runId}/artifacts/models/${record.modelId}`
    : `mlflow-artifacts:/${record.experimentId}/models/${record.modelId}/artifacts`;
  return {
    info: compact({
      model_id: record.modelId,
      experiment_id: String(record.experimentId),
      name: p.name,
      artifact_uri: artifactUri,
      creation_timestamp_ms: record.createdAt,
      last_updated_timestamp_ms: record.updatedAt,
      model_type: p.model_type,
      source_run_id: record.runId ?? undefined,
      status: p.status ?? "LOGGED_MODEL_PENDING",
      tags: Object.entries(p.tags ?? {}).map(([key, value]) => ({ key, value })),
    }),
    data: compact({ params: Object.entries(p.params ?? {}).map(([key, value]) => ({ key, value })) }),
  };
}

export function registerLoggedModelRoutes(app: FastifyInstance, services: Services, experiments: MlflowExperiments) {
  const { store, clock } = services;

  async function require(modelId: string): Promise<MlflowLoggedModelRecord> {
    const model = await store.mlflow.getLoggedModel(modelId);
    if (!model || model.deletedAt !== null) throw resourceDoesNotExist(`Logged model with ID '${modelId}' not found.`);
    return model;
  }

  async function patch(modelId: string, change: (payload: Record<string, unknown>) => void) {
    const model = await require(modelId);
    const payload = structuredClone(model.payload);
    change(payload);
    const next = { ...model, payload, updatedAt: clock.now() };
    await store.mlflow.putLoggedModel(next);
    return next;
  }

  /** Sets key/value entries of a logged model's `tags` or `params` map, keeping the others. */
  function setEntries(
    modelId: string,
    field: "tags" | "params",
    entries: readonly { key: string; value: string }[] = [],
  ) {
    return patch(modelId, (p) => {
      const map = (p[field] ?? {}) as Record<string, string>;
      for (const e of entries) map[e.key] = e.value;
      p[field] = map;
    });
  }

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/logged-models",
      body: z.object({
        experiment_id: z.string(),
        name: z.string().optional(),
        model_type: z.string().optional(),
        source_run_id: z.string().optional(),
        params: z.array(keyValue).optional(),
        tags: z.array(keyValue).optional(),
      }),
    },
    async ({ body }) => {
      const { experiment } = await experiments.requireActive(body.experiment_id);
      if (body.source_run_id && !(await store.runs.get(body.source_run_id))) {
        throw resourceDoesNotExist(`Run with id=${body.source_run_id} not found`);
      }
      const now = clock.now();
      const modelId = `m-${randomUUID().replaceAll("-", "")}`;
      const record: MlflowLoggedModelRecord = {
        modelId,
        experimentId: experiment.experimentId,
        runId: body.source_run_id ?? null,
        payload: {
          name: body.name || modelId,
          model_type: body.model_type,
          status: "LOGGED_MODEL_PENDING",
          tags: Object.fromEntries((body.tags ?? []).map((t) => [t.key, t.value])),
          params: Object.fromEntries((body.params ?? []).map((t) => [t.key, t.value])),
        },
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      await store.mlflow.putLoggedModel(record);
      return { model: entityOf(record) };
    },
  );

  registerMlflowRoute(app, { method: "GET", path: "/mlflow/logged-models/:model_id" }, async ({ params }) => ({
    model: entityOf(await require(params.model_id ?? "")),
  }));

  registerMlflowRoute(
    app,
    { method: "PATCH", path: "/mlflow/logged-models/:model_id", body: z.object({ status: z.string().optional() }) },
    async ({ params, body }) => {
      if (body.status !== undefined && !STATUSES.has(body.status)) {
        throw invalidParameter(`Invalid logged model status '${body.status}'`);
      }
      const next = await patch(params.model_id ?? "", (p) => {
        if (body.status) p.status = body.status;
      });
      return { model: entityOf(next) };
    },
  );

  registerMlflowRoute(app, { method: "DELETE", path: "/mlflow/logged-models/:model_id" }, async ({ params }) => {
    const model = await require(params.model_id ?? "");
    await store.mlflow.putLoggedModel({ ...model, deletedAt: clock.now(), updatedAt: clock.now() });
    return {};
  });

  registerMlflowRoute(
    app,
    {
      method: "PATCH",
      path: "/mlflow/logged-models/:model_id/tags",
      body: z.object({ tags: z.array(keyValue).optional() }),
    },
    async ({ params, body }) => {
      await setEntries(params.model_id ?? "", "tags", body.tags);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "DELETE", path: "/mlflow/logged-models/:model_id/tags/:tag_key" },
    async ({ params }) => {
      const model = await require(params.model_id ?? "");
      const tags = (model.payload.tags ?? {}) as Record<string, string>;
      if (tags[params.tag_key ?? ""] === undefined) {
        throw resourceDoesNotExist(`No tag with key '${params.tag_key}' on logged model '${params.model_id}'`);
      }
      await patch(model.modelId, (p) => {
        delete (p.tags as Record<string, string>)[params.tag_key ?? ""];
      });
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/logged-models/:model_id/params",
      body: z.object({ params: z.array(keyValue).optional() }),
    },
    async ({ params, body }) => {
      await setEntries(params.model_id ?? "", "params", body.params);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "GET", path: "/mlflow/logged-models/:model_id/artifacts/directories" },
    async ({ params }) => {
      await require(params.model_id ?? "");
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/logged-models/search",
      body: z
        .object({
          experiment_ids: repeated(z.string()).optional(),
          filter: z.string().optional(),
          max_results: int64.optional(),
          page_token: z.string().optional(),
        })
        .passthrough(),
    },
    async ({ body }) => {
      const max = body.max_results ?? 100;
      if (max < 1 || max > 1000) throw invalidParameter("max_results must be between 1 and 1000");
      const clauses = parseFilter(body.filter, loggedModelGrammar);
      const ids: number[] = [];
      for (const id of body.experiment_ids ?? []) ids.push((await experiments.require(id)).experiment.experimentId);
      const offset = decodeOffsetToken(body.page_token);
      const rows = await store.mlflow.listLoggedModels(ids, 0, MAX_LOGGED_MODELS_SCANNED);
      const matching = rows.filter((r) => matchesAll(searchableOf(r), clauses));
      const { page, nextPageToken } = pageOf(matching, offset, max);
      return compact({ models: page.map(entityOf), next_page_token: nextPageToken });
    },
  );
}
