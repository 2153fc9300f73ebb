import { getConfigPath, isEndStatus, type RunStatus } from "@looplab/core";
import type { MlflowRunIoRecord } from "../ports/mlflow-repo.js";
import type { RunRecord } from "../ports/store.js";
import type { Services } from "../services/index.js";
import { invalidParameter, resourceDoesNotExist } from "./mlflow-errors.js";
import type { MlflowExperiments } from "./mlflow-experiments.js";
import { RUN_NAME_TAG, type RunContext, randomRunName, USER_TAG } from "./mlflow-run-view.js";

/**
 * MLflow run operations over Looplab's run and metric services: params are config leaves
 * (immutable, as MLflow's), tags are tags, metrics are metric series, `mlflow.runName` is the
 * run's name. Validation follows mlflow/utils/validation.py (MLFLOW-API.md §5.5).
 */
export type MlflowRuns = ReturnType<typeof createMlflowRuns>;

export const LIMITS = {
  metricsPerBatch: 1000,
  paramsTagsPerBatch: 100,
  entitiesPerBatch: 1000,
  paramValue: 6000,
  /** MLflow truncates tags at 8000; Looplab's tag values hold 5000. */
  tagValue: 5000,
  key: 250,
} as const;

const KEY_CHARS = /^[/\w.\- :]*$/;

export function validateKey(kind: string, key: string): void {
  if (key.length === 0) throw invalidParameter(`Missing value for required parameter 'key'.`);
  if (key.length > LIMITS.key) {
    throw invalidParameter(`${kind} name '${key.slice(0, 40)}…' exceeds the maximum length of ${LIMITS.key}`);
  }
  if (!KEY_CHARS.test(key)) {
    throw invalidParameter(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
    );
  }
  const unstable = key.startsWith("/") || key.startsWith("..") || key === "." || /\/\/|\/\.\.?(\/|$)|^\.\//.test(key);
  if (unstable || key.endsWith("/")) {
    throw invalidParameter(`Invalid ${kind} name: '${key}'. Names must be normalized paths.`);
  }
}

export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step?: number | undefined;
}

export function createMlflowRuns(services: Services, experiments: MlflowExperiments) {
  const { store, runs, metrics, clock } = services;

  async function require(runId: string): Promise<RunRecord> {
    const run = /^[0-9a-f]{32}$/.test(runId) ? await store.runs.get(runId) : null;
    if (!run) throw resourceDoesNotExist(`Run with id=${runId} not found`);
    return run;
  }

  /** The id of an existing run (deleted or not), read without its record (history reads). */
  async function requireId(runId: string): Promise<string> {
    const found = /^[0-9a-f]{32}$/.test(runId) ? await store.runs.getLiveness(runId) : null;
    if (!found) throw resourceDoesNotExist(`Run with id=${runId} not found`);
    return runId;
  }

  const notActive = (runId: string) =>
    invalidParameter(`The run ${runId} must be in the 'active' state. Current state is deleted.`);

  async function requireActive(runId: string): Promise<RunRecord> {
    const run = await require(runId);
    if (run.deletedAt !== null) throw notActive(runId);
    return run;
  }

  /** `requireActive` for writes that need only the id (metrics-only log-batch): one narrow read. */
  async function requireActiveId(runId: string): Promise<{ id: string }> {
    const found = /^[0-9a-f]{32}$/.test(runId) ? await store.runs.getLiveness(runId) : null;
    if (!found) throw resourceDoesNotExist(`Run with id=${runId} not found`);
    if (found.deletedAt !== null) throw notActive(runId);
    return { id: runId };
  }

  async function context(run: RunRecord): Promise<RunContext> {
    const project = await store.projects.getById(run.projectId);
    if (!project) throw resourceDoesNotExist(`Run with id=${run.id} not found`);
    const [experiment, series, io] = await Promise.all([
      experiments.forProject(project),
      store.metrics.listSeries(run.id),
      store.mlflow.listRunIo([run.id]),
    ]);
    return { run, experimentId: experiment.experimentId, series, io };
  }

  async function setTags(run: RunRecord, tags: { key: string; value: string }[]): Promise<void> {
    if (tags.length === 0) return;
    const merged: Record<string, string> = {};
    for (const t of tags) {
      validateKey("tag", t.key);
      merged[t.key] = t.value.slice(0, LIMITS.tagValue);
    }
    const name = merged[RUN_NAME_TAG];
    await runs.update(run.id, { tags: merged, ...(name !== undefined ? { name: name.slice(0, 500) } : {}) }, "mlflow");
  }

  async function logParams(run: RunRecord, params: { key: string; value: string }[]): Promise<void> {
    if (params.length === 0) return;
    const seen = new Map<string, string>();
    const duplicates = new Set<string>();
    for (const p of params) {
      validateKey("param", p.key);
      const value = p.value.slice(0, LIMITS.paramValue);
      const before = seen.get(p.key);
      if (before !== undefined && before !== value) duplicates.add(p.key);
      seen.set(p.key, value);
    }
    if (duplicates.size > 0) {
      throw invalidParameter(
        `Duplicate parameter keys have been submitted: ${JSON.stringify([...duplicates])}. Please ensure the request contains only one param value per param key.`,
      );
    }
    const changes: Record<string, string> = {};
    for (const [key, value] of seen) {
      const existing = getConfigPath(run.config, key);
      if (existing === undefined) changes[key] = value;
      else {
        const text = typeof existing === "string" ? existing : JSON.stringify(existing);
        if (text !== value) {
          throw invalidParameter(
            `Changing param values is not allowed. Param with key='${key}' was already logged with value='${text}' for run ID='${run.id}'. Attempted logging new value '${value}'.`,
          );
        }
      }
    }
    if (Object.keys(changes).length > 0) await runs.update(run.id, { config: changes }, "mlflow");
  }

  /** Hands the points over as columns per key (the SDK's form): no object per point on the way. */
  async function logMetrics(run: Pick<RunRecord, "id">, points: MetricInput[]): Promise<void> {
    if (points.length === 0) return;
    const byKey = new Map<string, { key: string; steps: number[]; values: number[]; times: number[] }>();
    for (const p of points) {
      let series = byKey.get(p.key);
      if (series === undefined) {
        validateKey("metric", p.key);
        series = { key: p.key, steps: [], values: [], times: [] };
        byKey.set(p.key, series);
      }
      series.steps.push(p.step ?? 0);
      series.values.push(p.value);
      series.times.push(p.timestamp);
    }
    await metrics.log(run.id, { points: [], series: [...byKey.values()] });
  }

  /** Moves a run to `status`; MLflow allows any change, Looplab's lifecycle needs a resume to leave an end state. */
  async function setStatus(run: RunRecord, status: RunStatus, endTime: number | undefined): Promise<void> {
    if (status === run.status) {
      if (endTime !== undefined && isEndStatus(status)) await store.runs.update(run.id, { endedAt: endTime });
      return;
    }
    if (status === "queued") throw invalidParameter(`Cannot move run ${run.id} back to SCHEDULED`);
    if (isEndStatus(run.status) && isEndStatus(status)) {
      await runs.update(run.id, { status: "running", resume: true }, "mlflow");
    }
    await runs.update(
      run.id,
      {
        status,
        ...(status === "running" ? { resume: true } : {}),
        ...(isEndStatus(status) ? { endedAt: endTime ?? clock.now() } : {}),
      },
      "mlflow",
    );
  }

  return {
    require,
    requireId,
    requireActive,
    requireActiveId,
    context,
    setTags,
    logParams,
    logMetrics,
    setStatus,

    async create(input: {
      experimentId: string;
      userId?: string | undefined;
      runName?: string | undefined;
      startTime?: number | undefined;
      tags: { key: string; value: string }[];
    }): Promise<RunRecord> {
      const { project } = await experiments.requireActive(input.experimentId);
      const tags: Record<string, string> = {};
      for (const t of input.tags) {
        validateKey("tag", t.key);
        tags[t.key] = t.value.slice(0, LIMITS.tagValue);
      }
      const name = (input.runName || tags[RUN_NAME_TAG] || randomRunName()).slice(0, 500);
      tags[RUN_NAME_TAG] = name;
      const user = input.userId || tags[USER_TAG];
      const created = await runs.create({
        project: project.name,
        name,
        status: "running",
        origin: "mlflow",
        tags,
        ...(input.startTime !== undefined ? { startedAt: Math.max(0, input.startTime) } : {}),
        ...(user ? { environment: { user } } : {}),
      });
      return await require(created.id);
    },

    async deleteTag(run: RunRecord, key: string): Promise<void> {
      if (run.tags[key] === undefined) {
        throw resourceDoesNotExist(`No tag with name: ${key} in run with id ${run.id}`);
      }
      await runs.update(run.id, { removeTags: [key] }, "mlflow");
    },

    async addIo(run: RunRecord, direction: "input" | "output", items: { identity: string; payload: unknown }[]) {
      const now = clock.now();
      const records: MlflowRunIoRecord[] = items.map((i) => ({ runId: run.id, direction, createdAt: now, ...i }));
      await store.mlflow.addRunIo(records);
    },
  };
}
