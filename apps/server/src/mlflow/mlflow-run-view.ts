import { flattenConfig, type RunStatus } from "@looplab/core";
import type { MlflowRunIoRecord } from "../ports/mlflow-repo.js";
import type { RunRecord, SeriesSummaryRecord } from "../ports/store.js";
import { compact, encodeDouble } from "./mlflow-json.js";
import type { Searchable } from "./search/run-matcher.js";

/** Looplab's run statuses as MLflow's RunStatus names (DESIGN.md §4). */
export const mlflowStatusOf: Record<RunStatus, string> = {
  queued: "SCHEDULED",
  running: "RUNNING",
  finished: "FINISHED",
  failed: "FAILED",
  killed: "KILLED",
  crashed: "FAILED",
  pruned: "KILLED",
};

export const looplabStatusOf: Record<string, RunStatus> = {
  SCHEDULED: "queued",
  RUNNING: "running",
  FINISHED: "finished",
  FAILED: "failed",
  KILLED: "killed",
};

export const RUN_NAME_TAG = "mlflow.runName";
export const USER_TAG = "mlflow.user";

export function runArtifactUri(experimentId: number, runId: string): string {
  return `mlflow-artifacts:/${experimentId}/${runId}/artifacts`;
}

/** Config leaves as MLflow params: dotted paths, values as strings (numbers keep their JSON text). */
export function paramsOf(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const leaf of flattenConfig(config)) {
    out[leaf.path] = typeof leaf.value === "string" ? leaf.value : JSON.stringify(leaf.value);
  }
  return out;
}

export function tagsOf(run: RunRecord): Record<string, string> {
  const tags = { ...run.tags };
  if (run.name && tags[RUN_NAME_TAG] === undefined) tags[RUN_NAME_TAG] = run.name;
  return tags;
}

export function userOf(run: RunRecord): string | undefined {
  const user = run.environment?.user;
  return typeof user === "string" ? user : run.tags[USER_TAG];
}

export interface RunContext {
  run: RunRecord;
  experimentId: number;
  series: SeriesSummaryRecord[];
  io: MlflowRunIoRecord[];
}

export function runInfoOf({ run, experimentId }: Pick<RunContext, "run" | "experimentId">) {
  return compact({
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: String(experimentId),
    user_id: userOf(run) ?? "",
    status: mlflowStatusOf[run.status],
    start_time: run.startedAt ?? run.createdAt,
    end_time: run.endedAt ?? undefined,
    artifact_uri: runArtifactUri(experimentId, run.id),
    lifecycle_stage: run.deletedAt === null ? "active" : "deleted",
  });
}

/** MLflow's `Run{info, data, inputs, outputs}`; `searchable` (of the same context) saves re-deriving params and tags. */
export function runEntityOf(context: RunContext, searchable?: Searchable) {
  const { run, series, io } = context;
  const metrics = series
    .filter((s) => s.count > 0)
    .map((s) => ({
      key: s.key,
      value: encodeDouble(s.last ?? Number.NaN),
      timestamp: s.lastTime ?? 0,
      step: s.lastStep ?? 0,
    }));
  const params = Object.entries(searchable?.params ?? paramsOf(run.config)).map(([key, value]) => ({ key, value }));
  const tags = Object.entries(searchable?.tags ?? tagsOf(run)).map(([key, value]) => ({ key, value }));
  const inputs = io.filter((r) => r.direction === "input").map((r) => r.payload as Record<string, unknown>);
  const outputs = io.filter((r) => r.direction === "output").map((r) => r.payload as Record<string, unknown>);
  return compact({
    info: runInfoOf(context),
    data: compact({ metrics, params, tags }),
    inputs: compact({
      dataset_inputs: inputs.filter((p) => p.dataset !== undefined),
      model_inputs: inputs.filter((p) => p.model_id !== undefined),
    }),
    outputs: compact({ model_outputs: outputs }),
  });
}

export function searchableOf(context: RunContext): Searchable {
  const { run, series, io, experimentId } = context;
  const metrics: Record<string, number> = {};
  for (const s of series) if (s.last !== null) metrics[s.key] = s.last;
  const datasets = io
    .filter((r) => r.direction === "input")
    .map((r) => r.payload as { dataset?: { name?: string; digest?: string }; tags?: { key: string; value: string }[] })
    .filter((p) => p.dataset !== undefined)
    .map((p) => ({
      name: p.dataset?.name ?? "",
      digest: p.dataset?.digest ?? "",
      context: p.tags?.find((t) => t.key === "mlflow.data.context")?.value ?? "",
    }));
  return {
    attributes: {
      run_id: run.id,
      run_name: run.name,
      status: mlflowStatusOf[run.status],
      user_id: userOf(run) ?? "",
      artifact_uri: runArtifactUri(experimentId, run.id),
      start_time: run.startedAt ?? run.createdAt,
      end_time: run.endedAt,
    },
    params: paramsOf(run.config),
    tags: tagsOf(run),
    metrics,
    datasets,
  };
}

const ADJECTIVES = ["brave", "calm", "clumsy", "eager", "gentle", "honest", "lucky", "merry", "quiet", "swift"];
const NOUNS = ["bug", "cat", "crow", "fox", "hare", "lark", "mole", "owl", "seal", "wolf"];

/** MLflow's default run name shape: `adjective-noun-NNN`. */
export function randomRunName(random: () => number = Math.random): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)] as string;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(random() * 1000)}`;
}
