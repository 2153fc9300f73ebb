import type { Generated } from "kysely";

/**
 * The relational schema shared by SQLite and PostgreSQL. Times are epoch milliseconds.
 * JSON documents are stored as text so that both dialects read them the same way.
 */
export interface ProjectsTable {
  id: string;
  name: string;
  description: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface MetricDefinitionsTable {
  project_id: string;
  key: string;
  goal: "min" | "max";
}

export interface RunsTable {
  id: string;
  project_id: string;
  name: string;
  status: string;
  origin: string;
  group_name: string | null;
  notes: string;
  config_json: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  heartbeat_at: number | null;
  updated_at: number;
  deleted_at: number | null;
  host: string | null;
  command: string | null;
  git_json: string | null;
  environment_json: string | null;
  parent_run_id: string | null;
  resumed_from: string | null;
}

export interface RunTagsTable {
  run_id: string;
  key: string;
  value: string;
}

/** One row per config leaf, by dotted path, so filters and sorts on `config.*` use indexes. */
export interface RunConfigTable {
  run_id: string;
  path: string;
  /** "number" | "string" | "boolean" | "null" | "json" (arrays and empty objects) */
  value_type: string;
  num_value: number | null;
  str_value: string | null;
}

export interface ConfigHistoryTable {
  id: Generated<number>;
  run_id: string;
  at: number;
  actor: string;
  changes_json: string;
}

/** Per-series summary kept in the same transaction as the points (DESIGN.md §5). */
export interface MetricSeriesTable {
  id: Generated<number>;
  run_id: string;
  key: string;
  count: number;
  nan_count: number;
  /** Number of finite values; mean = finite_sum / finite_count. */
  finite_count: number;
  finite_sum: number;
  /** Over values that are not NaN (±Infinity included). */
  min_value: number | null;
  max_value: number | null;
  last_step: number | null;
  last_time: number | null;
  /** SQLite cannot store NaN (it becomes NULL), so the kind of the last value is kept apart. */
  last_value: number | null;
  /** 0 finite, 1 NaN, 2 +Infinity, 3 -Infinity */
  last_kind: number;
}

export interface IngestBatchesTable {
  run_id: string;
  batch_id: string;
  created_at: number;
}

/** The per-project key registry (migration 0005, kysely/key-registry.ts): live runs per key. */
export interface ProjectKeysTable {
  project_id: string;
  /** "config" | "tag" | "metric" */
  kind: string;
  key: string;
  /** The config value type; "" for tags and metrics. */
  value_type: string;
  runs: number;
}

export interface CoreTables {
  projects: ProjectsTable;
  metric_definitions: MetricDefinitionsTable;
  runs: RunsTable;
  run_tags: RunTagsTable;
  run_config: RunConfigTable;
  config_history: ConfigHistoryTable;
  metric_series: MetricSeriesTable;
  ingest_batches: IngestBatchesTable;
  project_keys: ProjectKeysTable;
}
