import { flattenConfig } from "@looplab/core";
import type { Kysely } from "kysely";
import type { Database } from "../database.js";

/**
 * Runs for the run-search tests: two projects, a deleted run, typed and nested config,
 * NaN and infinite last values, metrics with and without goals, missing values of each kind.
 */

/** The clock `duration` sees for unfinished runs. */
export const NOW = 10_000;

interface SeriesSpec {
  count?: number;
  nan?: number;
  finiteCount?: number;
  sum?: number;
  min?: number | null;
  max?: number | null;
  last: number;
}

interface RunSpec {
  n: number;
  project?: string;
  name: string;
  status: string;
  group?: string | null;
  host?: string | null;
  createdAt: number;
  startedAt?: number | null;
  endedAt?: number | null;
  deletedAt?: number | null;
  config?: Record<string, unknown>;
  tags?: Record<string, string>;
  metrics?: Record<string, SeriesSpec>;
}

export const runId = (n: number) => n.toString(16).padStart(32, "0");

export const fixtures: RunSpec[] = [
  {
    n: 1,
    name: "abl-lr-small",
    status: "finished",
    group: "g1",
    host: "gpu-1",
    createdAt: 1000,
    startedAt: 1100,
    endedAt: 2100,
    config: { lr: 0.001, optimizer: { name: "adam", betas: [0.9, 0.99] }, amp: true, depth: 50, note: null },
    tags: { model: "resnet", baseline: "" },
    metrics: {
      "val/acc": { count: 10, sum: 7, min: 0.5, max: 0.91, last: 0.9 },
      loss: { count: 5, nan: 1, finiteCount: 4, sum: 2, min: 0.1, max: 2, last: Number.NaN },
      "a.b": { last: 1 },
    },
  },
  {
    n: 2,
    name: "abl-lr-big",
    status: "failed",
    createdAt: 2000,
    startedAt: 2100,
    config: { lr: 0.1, optimizer: { name: "sgd" }, amp: false, depth: "50" },
    tags: { model: "vit" },
    metrics: {
      "val/acc": { count: 4, sum: 3.2, min: 0.6, max: 0.95, last: 0.7 },
      loss: { count: 4, sum: 4, min: 0.3, max: 3, last: 0.3 },
      plain: { last: 5 },
    },
  },
  {
    n: 3,
    name: "base",
    status: "running",
    group: "g1",
    createdAt: 3000,
    config: { lr: 0.01, optimizer: { name: "adam" } },
    tags: { team: "vision" },
    metrics: { loss: { count: 3, sum: 1, min: 0.2, max: Number.POSITIVE_INFINITY, last: Number.POSITIVE_INFINITY } },
  },
  { n: 6, name: "queued-one", status: "queued", createdAt: 4000 },
  {
    n: 4,
    name: "x-deleted",
    status: "finished",
    createdAt: 500,
    deletedAt: 5000,
    config: { lr: 0.001 },
    tags: { model: "resnet" },
    metrics: { "val/acc": { max: 0.99, last: 0.99 } },
  },
  {
    n: 5,
    project: "p2",
    name: "elsewhere",
    status: "finished",
    createdAt: 100,
    config: { lr: 0.001 },
    tags: { model: "resnet", baseline: "" },
    metrics: { "val/acc": { max: 0.99, last: 0.99 } },
  },
];

export async function seed(db: Kysely<Database>): Promise<void> {
  for (const id of ["p1", "p2"]) {
    await db
      .insertInto("projects")
      .values({ id, name: id, description: "", created_at: 0, updated_at: 0, deleted_at: null })
      .execute();
  }
  await db
    .insertInto("metric_definitions")
    .values([
      { project_id: "p1", key: "val/acc", goal: "max" },
      { project_id: "p1", key: "loss", goal: "min" },
      { project_id: "p2", key: "plain", goal: "max" },
    ])
    .execute();
  for (const f of fixtures) {
    const id = runId(f.n);
    await db
      .insertInto("runs")
      .values({
        id,
        project_id: f.project ?? "p1",
        name: f.name,
        status: f.status,
        origin: "sdk",
        group_name: f.group ?? null,
        notes: "",
        config_json: JSON.stringify(f.config ?? {}),
        created_at: f.createdAt,
        started_at: f.startedAt ?? null,
        ended_at: f.endedAt ?? null,
        heartbeat_at: null,
        updated_at: f.createdAt,
        deleted_at: f.deletedAt ?? null,
        host: f.host ?? null,
        command: null,
        git_json: null,
        environment_json: null,
        parent_run_id: null,
        resumed_from: null,
      })
      .execute();
    for (const [key, value] of Object.entries(f.tags ?? {})) {
      await db.insertInto("run_tags").values({ run_id: id, key, value }).execute();
    }
    for (const leaf of flattenConfig(f.config ?? {})) {
      const v = leaf.value;
      await db
        .insertInto("run_config")
        .values({
          run_id: id,
          path: leaf.path,
          value_type: leaf.type,
          num_value: leaf.type === "number" ? (v as number) : leaf.type === "boolean" ? (v ? 1 : 0) : null,
          str_value: leaf.type === "string" ? (v as string) : leaf.type === "json" ? JSON.stringify(v) : null,
        })
        .execute();
    }
    for (const [key, s] of Object.entries(f.metrics ?? {})) {
      const kind = Number.isNaN(s.last)
        ? 1
        : s.last === Number.POSITIVE_INFINITY
          ? 2
          : s.last === Number.NEGATIVE_INFINITY
            ? 3
            : 0;
      const count = s.count ?? 1;
      await db
        .insertInto("metric_series")
        .values({
          run_id: id,
          key,
          count,
          nan_count: s.nan ?? 0,
          finite_count: s.finiteCount ?? count,
          finite_sum: s.sum ?? s.last,
          min_value: s.min === undefined ? s.last : s.min,
          max_value: s.max === undefined ? s.last : s.max,
          last_step: count,
          last_time: 1,
          last_value: kind === 1 ? null : s.last,
          last_kind: kind,
        })
        .execute();
    }
  }
}
