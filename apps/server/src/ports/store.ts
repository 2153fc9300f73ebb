import type { MetricGoal, RunStatus } from "@looplab/core";
import type { ArtifactRepo } from "./artifact-repo.js";
import type { DashboardRepos } from "./dashboard-store.js";
import type { LogRepo } from "./log-repo.js";
import type { MlflowRepo } from "./mlflow-repo.js";
import type { QueueRepo } from "./queue-repo.js";
import type { RegistryRepo } from "./registry-repo.js";
import type { SweepRepo } from "./sweep-repo.js";

/**
 * The storage port (DESIGN.md §3): services depend on this interface only; the Kysely
 * adapter implements it for SQLite and PostgreSQL, and one contract suite tests both.
 * Values are plain JS numbers: NaN and ±Infinity travel as such (never as strings) here.
 */

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface MetricDefinitionRecord {
  key: string;
  goal: MetricGoal;
}

export interface GitRecord {
  commit: string | null;
  branch: string | null;
  remote: string | null;
  dirty: boolean;
  diff: string | null;
}

export interface RunRecord {
  id: string;
  projectId: string;
  name: string;
  status: RunStatus;
  origin: "sdk" | "queue" | "mlflow" | "import";
  group: string | null;
  tags: Record<string, string>;
  notes: string;
  config: Record<string, unknown>;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  heartbeatAt: number | null;
  updatedAt: number;
  deletedAt: number | null;
  host: string | null;
  command: string | null;
  git: GitRecord | null;
  environment: Record<string, unknown> | null;
  parentRunId: string | null;
  resumedFrom: string | null;
}

export type RunLiveness = Pick<RunRecord, "projectId" | "status" | "heartbeatAt" | "deletedAt">;

/** Fields of a run that `updateRun` may change; tags and config are replaced whole. */
export type RunPatch = Partial<
  Pick<
    RunRecord,
    | "name"
    | "status"
    | "group"
    | "tags"
    | "notes"
    | "config"
    | "startedAt"
    | "endedAt"
    | "heartbeatAt"
    | "updatedAt"
    | "deletedAt"
    | "host"
    | "command"
    | "git"
    | "environment"
  >
>;

export interface ConfigChangeRecord {
  at: number;
  actor: string;
  changes: { path: string; before: unknown; after: unknown }[];
}

export interface SeriesSummaryRecord {
  key: string;
  count: number;
  nanCount: number;
  finiteCount: number;
  /** Mean over finite values, null when there are none. */
  mean: number | null;
  /** Over values that are not NaN; ±Infinity included. */
  min: number | null;
  max: number | null;
  last: number | null;
  lastStep: number | null;
  lastTime: number | null;
}

export interface PointRecord {
  key: string;
  step: number;
  value: number;
  time: number;
}

export interface StoredPoint {
  step: number;
  value: number;
  time: number;
}

export interface BucketRecord {
  startStep: number;
  endStep: number;
  count: number;
  nanCount: number;
  min: number | null;
  max: number | null;
  first: StoredPoint;
  last: StoredPoint;
}

export interface WindowRequest {
  buckets: number;
  startStep?: number | undefined;
  endStep?: number | undefined;
}

export interface WindowResult {
  /** False when every bucket holds exactly one point (the window is shown exactly). */
  sampled: boolean;
  totalPoints: number;
  buckets: BucketRecord[];
}

/** Exact points ordered by (step, time, value); `after` continues past the last point of a page. */
export interface PointsRequest {
  startStep?: number | undefined;
  endStep?: number | undefined;
  after?: { step: number; time: number; seq: number } | undefined;
  limit: number;
}

export interface PointsPageRecord {
  points: StoredPoint[];
  /** Opaque cursor for the next page, null at the end. */
  next: { step: number; time: number; seq: number } | null;
}

export interface RunSearchRequest {
  projectId: string;
  /** Filter text in the language of DESIGN.md §6; "" matches every run. */
  filter: string;
  /** e.g. "-metrics.val/acc.max,name" */
  sort: string;
  offset: number;
  limit: number;
  includeDeleted: boolean;
  withTotal: boolean;
}

export interface RunSearchResult {
  runIds: string[];
  total: number | null;
  /** True when more rows exist after this page. */
  hasMore: boolean;
}

export interface ProjectRepo {
  create(record: ProjectRecord): Promise<void>;
  getByName(name: string): Promise<ProjectRecord | null>;
  getById(id: string): Promise<ProjectRecord | null>;
  list(opts: { offset: number; limit: number; includeDeleted: boolean }): Promise<ProjectRecord[]>;
  update(id: string, patch: Partial<Pick<ProjectRecord, "description" | "updatedAt" | "deletedAt">>): Promise<void>;
  countRuns(projectIds: string[]): Promise<Map<string, number>>;
  listMetricDefinitions(projectId: string): Promise<MetricDefinitionRecord[]>;
  putMetricDefinition(projectId: string, def: MetricDefinitionRecord): Promise<void>;
  deleteMetricDefinition(projectId: string, key: string): Promise<boolean>;
  /** Hard delete of a project and everything in it. */
  purge(id: string): Promise<void>;
}

export interface RunRepo {
  create(record: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | null>;
  /** The few fields the ingest path needs, without reading config, git or tags. */
  getLiveness(id: string): Promise<RunLiveness | null>;
  getMany(ids: string[]): Promise<RunRecord[]>;
  update(id: string, patch: RunPatch): Promise<void>;
  /** Marks running runs whose heartbeat is older than `before` as crashed; returns their ids. */
  markCrashed(before: number, now: number): Promise<string[]>;
  appendConfigChange(runId: string, change: ConfigChangeRecord): Promise<void>;
  listConfigChanges(runId: string): Promise<ConfigChangeRecord[]>;
  search(request: RunSearchRequest): Promise<RunSearchResult>;
  /** Ids of soft-deleted runs deleted before `before` (for garbage collection). */
  listDeletedBefore(before: number, limit: number): Promise<string[]>;
  /** Hard delete: the run, its tags, config rows, series and points. */
  purge(id: string): Promise<void>;
}

export interface MetricRepo {
  /**
   * Stores points of one run (any keys, any order) and updates series summaries.
   * Exact duplicates (same key, step, value and time) of stored points are dropped.
   * Returns the number of points stored. Must run inside the caller's transaction.
   */
  append(runId: string, points: PointRecord[]): Promise<number>;
  /** True if the batch id was already recorded; otherwise records it and returns false. */
  claimBatch(runId: string, batchId: string, now: number): Promise<boolean>;
  listSeries(runId: string): Promise<SeriesSummaryRecord[]>;
  /** Summaries of many runs at once (runs table). */
  listSeriesForRuns(runIds: string[]): Promise<Map<string, SeriesSummaryRecord[]>>;
  readWindow(runId: string, key: string, request: WindowRequest): Promise<WindowResult | null>;
  readPoints(runId: string, key: string, request: PointsRequest): Promise<PointsPageRecord | null>;
  /** Deletes points of one run's key after a step (explicit truncation on resume). */
  truncateAfter(runId: string, key: string | null, step: number): Promise<void>;
  /** Deletes every series, point and batch record of a run (hard delete). */
  purgeRun(runId: string): Promise<void>;
}

export interface StoreRepos {
  projects: ProjectRepo;
  runs: RunRepo;
  metrics: MetricRepo;
  /** Key catalogue, group aggregates, saved views, bulk changes (ports/dashboard-store.ts). */
  dashboard: DashboardRepos;
  /** Artifact metadata: blobs, artifacts, uploads, lineage, retention (ports/artifact-repo.ts). */
  artifacts: ArtifactRepo;
  /** Run console logs: lines, heads, batch ids (ports/log-repo.ts). */
  logs: LogRepo;
  /** Model registry: models, versions, tags, aliases (ports/registry-repo.ts). */
  registry: RegistryRepo;
  /** Jobs, agents and named queues (ports/queue-repo.ts). */
  queue: QueueRepo;
  /** Sweeps and their trials (ports/sweep-repo.ts). */
  sweeps: SweepRepo;
  /** MLflow-only data: experiment ids/names/tags, run inputs/outputs, logged models (ports/mlflow-repo.ts). */
  mlflow: MlflowRepo;
}

export interface Store extends StoreRepos {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `fn` in one transaction: everything it writes is stored whole or not at all. */
  transaction<T>(fn: (repos: StoreRepos) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
