import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { Services } from "../services/index.js";
import { metricList } from "./metric-list.js";
import { invalidParameter } from "./mlflow-errors.js";
import { double, int64 } from "./mlflow-json.js";
import { registerMlflowRoute } from "./mlflow-route.js";
import { looplabStatusOf, runEntityOf, runInfoOf } from "./mlflow-run-view.js";
import { LIMITS, type MlflowRuns } from "./mlflow-runs.js";

const keyValue = z.object({ key: z.string(), value: z.string() });
const runRef = { run_id: z.string().optional(), run_uuid: z.string().optional() };

export function runIdOf(input: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const id = input.run_id || input.run_uuid;
  if (!id) throw invalidParameter("Missing value for required parameter 'run_id'.");
  return id;
}

export function registerRunRoutes(app: FastifyInstance, services: Services, runs: MlflowRuns) {
  const { runs: runService } = services;

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/create",
      body: z.object({
        experiment_id: z.string().optional(),
        user_id: z.string().optional(),
        run_name: z.string().optional(),
        start_time: int64.optional(),
        tags: z.array(keyValue).optional(),
      }),
    },
    async ({ body }) => {
      if (body.experiment_id === undefined || body.experiment_id === "") {
        throw invalidParameter("Missing value for required parameter 'experiment_id'.");
      }
      const run = await runs.create({
        experimentId: body.experiment_id,
        userId: body.user_id,
        runName: body.run_name,
        startTime: body.start_time,
        tags: body.tags ?? [],
      });
      return { run: runEntityOf(await runs.context(run)) };
    },
  );

  registerMlflowRoute(app, { method: "GET", path: "/mlflow/runs/get", query: z.object(runRef) }, async ({ query }) => {
    const run = await runs.require(runIdOf(query));
    return { run: runEntityOf(await runs.context(run)) };
  });

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/update",
      body: z.object({
        ...runRef,
        status: z.string().optional(),
        end_time: int64.optional(),
        run_name: z.string().optional(),
      }),
    },
    async ({ body }) => {
      let run = await runs.requireActive(runIdOf(body));
      // unknown enum names are ignored, as MLflow's ParseDict(ignore_unknown_fields=True) does
      const status = body.status === undefined ? undefined : looplabStatusOf[body.status];
      if (status !== undefined) await runs.setStatus(run, status, body.end_time);
      if (body.run_name)
        await runs.setTags(await runs.require(run.id), [{ key: "mlflow.runName", value: body.run_name }]);
      run = await runs.require(run.id);
      return { run_info: runInfoOf(await runs.context(run)) };
    },
  );

  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/runs/delete", body: z.object(runRef) },
    async ({ body }) => {
      const run = await runs.require(runIdOf(body));
      if (run.deletedAt === null) await runService.remove(run.id, false);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/runs/restore", body: z.object(runRef) },
    async ({ body }) => {
      const run = await runs.require(runIdOf(body));
      if (run.deletedAt !== null) await runService.restore(run.id);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/runs/set-tag", body: z.object({ ...runRef, key: z.string(), value: z.string() }) },
    async ({ body }) => {
      await runs.setTags(await runs.requireActive(runIdOf(body)), [{ key: body.key, value: body.value }]);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/runs/delete-tag", body: z.object({ ...runRef, key: z.string() }) },
    async ({ body }) => {
      await runs.deleteTag(await runs.requireActive(runIdOf(body)), body.key);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/log-parameter",
      body: z.object({ ...runRef, key: z.string(), value: z.string() }),
    },
    async ({ body }) => {
      await runs.logParams(await runs.requireActive(runIdOf(body)), [{ key: body.key, value: body.value }]);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/log-metric",
      body: z.object({
        ...runRef,
        key: z.string(),
        value: double,
        timestamp: int64,
        step: int64.optional(),
        model_id: z.string().optional(),
        dataset_name: z.string().optional(),
        dataset_digest: z.string().optional(),
      }),
    },
    async ({ body }) => {
      await runs.logMetrics(await runs.requireActive(runIdOf(body)), [body]);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/log-batch",
      body: z.object({
        ...runRef,
        metrics: metricList.optional(),
        params: z.array(keyValue).optional(),
        tags: z.array(keyValue).optional(),
      }),
    },
    async ({ body }) => {
      const metrics = body.metrics ?? [];
      const params = body.params ?? [];
      const tags = body.tags ?? [];
      if (metrics.length > LIMITS.metricsPerBatch) {
        throw invalidParameter(
          `A batch logging request can contain at most ${LIMITS.metricsPerBatch} metrics. Got ${metrics.length} metrics.`,
        );
      }
      if (params.length > LIMITS.paramsTagsPerBatch) {
        throw invalidParameter(
          `A batch logging request can contain at most ${LIMITS.paramsTagsPerBatch} params. Got ${params.length} params.`,
        );
      }
      if (tags.length > LIMITS.paramsTagsPerBatch) {
        throw invalidParameter(
          `A batch logging request can contain at most ${LIMITS.paramsTagsPerBatch} tags. Got ${tags.length} tags.`,
        );
      }
      const total = metrics.length + params.length + tags.length;
      if (total > LIMITS.entitiesPerBatch) {
        throw invalidParameter(
          `A batch logging request can contain at most ${LIMITS.entitiesPerBatch} metrics, params, and tags in total. Got ${total}.`,
        );
      }
      if (params.length === 0 && tags.length === 0) {
        await runs.logMetrics(await runs.requireActiveId(runIdOf(body)), metrics);
        return {};
      }
      const run = await runs.requireActive(runIdOf(body));
      await runs.logParams(run, params);
      await runs.logMetrics(run, metrics);
      if (tags.length > 0) await runs.setTags(await runs.require(run.id), tags);
      return {};
    },
  );

  const datasetInput = z.object({
    tags: z.array(keyValue).optional(),
    dataset: z.object({
      name: z.string(),
      digest: z.string(),
      source_type: z.string(),
      source: z.string(),
      schema: z.string().optional(),
      profile: z.string().optional(),
    }),
  });
  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/log-inputs",
      body: z.object({
        run_id: z.string(),
        datasets: z.array(datasetInput).max(1000).optional(),
        models: z
          .array(z.object({ model_id: z.string() }))
          .max(1000)
          .optional(),
      }),
    },
    async ({ body }) => {
      const run = await runs.requireActive(body.run_id);
      const items = [
        ...(body.datasets ?? []).map((d) => ({
          identity: `dataset:${d.dataset.name}:${d.dataset.digest}:${JSON.stringify(d.tags ?? [])}`,
          payload: d,
        })),
        ...(body.models ?? []).map((m) => ({ identity: `model:${m.model_id}`, payload: m })),
      ];
      await runs.addIo(run, "input", items);
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: "/mlflow/runs/outputs",
      body: z.object({
        run_id: z.string(),
        models: z
          .array(z.object({ model_id: z.string(), step: int64.optional() }))
          .max(1000)
          .optional(),
      }),
    },
    async ({ body }) => {
      const run = await runs.requireActive(body.run_id);
      await runs.addIo(
        run,
        "output",
        (body.models ?? []).map((m) => ({ identity: `model:${m.model_id}`, payload: m })),
      );
      return {};
    },
  );

  registerMlflowRoute(
    app,
    { method: "POST", path: "/mlflow/runs/log-model", body: z.object({ ...runRef, model_json: z.string() }) },
    async ({ body }) => {
      const run = await runs.requireActive(runIdOf(body));
      const history = run.tags["mlflow.log-model.history"];
      let entries: unknown[];
      try {
        const parsed = history ? (JSON.parse(history) as unknown) : [];
        entries = Array.isArray(parsed) ? parsed : [];
        entries.push(JSON.parse(body.model_json) as unknown);
      } catch {
        throw invalidParameter("model_json must be a JSON document");
      }
      await runs.setTags(run, [{ key: "mlflow.log-model.history", value: JSON.stringify(entries) }]);
      return {};
    },
  );
}
