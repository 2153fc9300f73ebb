import { encodeNullableFloat, type MetricSummary, type Run } from "@looplab/core";
import type { MetricDefinitionRecord, ProjectRecord, RunRecord, SeriesSummaryRecord } from "../ports/store.js";

/** The API shape of a series summary; `best` follows the project's metric goal. */
export function toMetricSummary(series: SeriesSummaryRecord, goal: "min" | "max" | undefined): MetricSummary {
  const summary: MetricSummary = {
    key: series.key,
    count: series.count,
    nanCount: series.nanCount,
    last: encodeNullableFloat(series.last),
    lastStep: series.lastStep,
    lastTime: series.lastTime,
    min: encodeNullableFloat(series.min),
    max: encodeNullableFloat(series.max),
    mean: encodeNullableFloat(series.mean),
  };
  if (goal) summary.best = encodeNullableFloat(goal === "min" ? series.min : series.max);
  return summary;
}

export function toRunView(
  run: RunRecord,
  project: ProjectRecord,
  series: SeriesSummaryRecord[],
  definitions: MetricDefinitionRecord[],
): Run {
  const goals = new Map(definitions.map((d) => [d.key, d.goal]));
  const metrics: Record<string, MetricSummary> = {};
  for (const s of series) metrics[s.key] = toMetricSummary(s, goals.get(s.key));
  const { projectId: _projectId, ...fields } = run;
  return { ...fields, project: project.name, metrics };
}
