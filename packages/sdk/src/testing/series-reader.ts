import type { MetricPoint } from "@looplab/core";
import type { LooplabClient } from "../client.js";

/** Every stored point of one series, read page by page through the points API. */
export async function readSeries(client: LooplabClient, runId: string, key: string): Promise<MetricPoint[]> {
  const points: MetricPoint[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.seriesPoints(runId, { key, limit: 100_000, ...(pageToken ? { pageToken } : {}) });
    points.push(...page.points);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return points;
}

/**
 * Checks that the steps `0..n-1` of a series each arrived exactly once: returns the missing
 * and duplicated steps (both empty when delivery was exactly-once).
 */
export async function exactlyOnceReport(
  client: LooplabClient,
  runId: string,
  key: string,
  n: number,
): Promise<{ count: number; missing: number[]; duplicated: number[] }> {
  const points = await readSeries(client, runId, key);
  const seen = new Uint32Array(n);
  const duplicated: number[] = [];
  for (const p of points) {
    if (p.step >= 0 && p.step < n && Number.isInteger(p.step)) {
      seen[p.step] = (seen[p.step] as number) + 1;
      if (seen[p.step] === 2) duplicated.push(p.step);
    }
  }
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (seen[i] === 0) missing.push(i);
  return { count: points.length, missing: missing.slice(0, 20), duplicated: duplicated.slice(0, 20) };
}
