import type { ExportedRun, Project } from "@looplab/core";
import type { SeriesSummaryLine } from "./points-csv.js";

/**
 * The record lines of an export folder (docs/export-format.md). Every field is written in a
 * fixed order and every map whose order carries no meaning (tags, environment, metric keys,
 * metric definitions) is sorted, so the same data always gives the same bytes, whichever
 * store it came from. Config documents keep the order they were written in.
 */

/** Plain code-unit order: the same on every machine and locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== "object" || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareCodeUnits(a, b));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)]));
}

export function projectLine(project: Project): string {
  const record = {
    id: project.id,
    name: project.name,
    description: project.description,
    createdAt: project.createdAt,
    updatedAt: project.updatedAt,
    deletedAt: project.deletedAt,
    metricDefinitions: [...project.metricDefinitions]
      .sort((a, b) => compareCodeUnits(a.key, b.key))
      .map((d) => ({ key: d.key, goal: d.goal })),
  };
  return `${JSON.stringify(record)}\n`;
}

export function runLine(run: ExportedRun, summaries: SeriesSummaryLine[]): string {
  const record = {
    id: run.id,
    project: run.project,
    name: run.name,
    status: run.status,
    origin: run.origin,
    group: run.group,
    tags: sortKeysDeep(run.tags),
    notes: run.notes,
    config: run.config,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    heartbeatAt: run.heartbeatAt,
    updatedAt: run.updatedAt,
    deletedAt: run.deletedAt,
    host: run.host,
    command: run.command,
    git:
      run.git === null
        ? null
        : {
            commit: run.git.commit,
            branch: run.git.branch,
            remote: run.git.remote,
            dirty: run.git.dirty,
            diff: run.git.diff,
          },
    environment: sortKeysDeep(run.environment),
    parentRunId: run.parentRunId,
    resumedFrom: run.resumedFrom,
    configHistory: run.configHistory.map((c) => ({
      at: c.at,
      actor: c.actor,
      changes: c.changes.map((ch) => ({ path: ch.path, before: ch.before, after: ch.after })),
    })),
    metrics: summaries.map((s) => ({ ...s })),
  };
  return `${JSON.stringify(record)}\n`;
}
