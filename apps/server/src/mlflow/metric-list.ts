import { z } from "zod";
import { double, int64 } from "./mlflow-json.js";
import type { MetricInput } from "./mlflow-runs.js";

/** One `Metric` of a request, as MLflow's proto parser accepts it (numeric strings, "NaN", …). */
export const metric = z.object({ key: z.string(), value: double, timestamp: int64, step: int64.optional() });

const metricArray = z.array(metric);

const isSafeInteger = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

/** True when every item is what the official clients send: a string key, a number value, integer timestamp/step. */
function isPlainMetricList(v: unknown): v is MetricInput[] {
  if (!Array.isArray(v)) return false;
  for (const m of v) {
    if (typeof m !== "object" || m === null) return false;
    const { key, value, timestamp, step } = m as Record<string, unknown>;
    if (typeof key !== "string" || typeof value !== "number" || !isSafeInteger(timestamp)) return false;
    if (step !== undefined && !isSafeInteger(step)) return false;
  }
  return true;
}

/**
 * A `Metric[]` field (runs/log-batch): the common all-numbers form is checked by hand, ~10×
 * cheaper than zod's unions on a 1,000-metric batch; anything else goes through the zod schema,
 * so the output and the error issues (with their paths) are exactly the schema's.
 */
export const metricList = z.unknown().transform((v, ctx): MetricInput[] => {
  if (isPlainMetricList(v)) {
    return v.map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step }));
  }
  const parsed = metricArray.safeParse(v);
  if (parsed.success) return parsed.data;
  // the schema's own issues, paths kept: the enclosing object prefixes them with the field name
  for (const issue of parsed.error.issues) ctx.issues.push(issue as (typeof ctx.issues)[number]);
  return z.NEVER;
});
