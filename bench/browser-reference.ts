import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Page } from "playwright-core";

const require = createRequire(import.meta.url);
const uplotDist = join(dirname(require.resolve("uplot/package.json")), "dist");

export interface DrawResult {
  /** From the start of the first request until every panel is on screen. */
  ms: number;
  /** Response bytes of the API requests that fed the charts. */
  bytes: number;
  points: number;
}

/**
 * The reference for the dashboard's chart grid: the same series fetched as raw points (one page
 * of up to 100,000 exact points per run and key) and handed to uPlot directly, in the same
 * browser. Page code is a plain string: functions compiled by tsx would carry helpers the page
 * does not have.
 */
export async function drawRawReference(
  page: Page,
  serverUrl: string,
  runIds: string[],
  keys: string[],
): Promise<DrawResult> {
  await page.goto(`${serverUrl}/api/v1/health`);
  await page.setContent('<!doctype html><html><body><div id="grid"></div></body></html>');
  await page.addStyleTag({ path: join(uplotDist, "uPlot.min.css") });
  await page.addScriptTag({ path: join(uplotDist, "uPlot.iife.min.js") });
  await page.addStyleTag({ content: "#grid{display:grid;grid-template-columns:repeat(2,700px);gap:8px}" });
  const script = `(async () => {
    const runIds = ${JSON.stringify(runIds)};
    const keys = ${JSON.stringify(keys)};
    performance.clearResourceTimings();
    const t0 = performance.now();
    let points = 0;
    const panels = await Promise.all(keys.map((key) => Promise.all(runIds.map(async (id) => {
      const res = await fetch("/api/v1/runs/" + id + "/metrics/points?limit=100000&key=" + encodeURIComponent(key));
      const body = await res.json();
      points += body.points.length;
      return body.points;
    }))));
    const grid = document.getElementById("grid");
    for (const series of panels) {
      const xs = series[0].map((p) => p.step);
      const data = [xs, ...series.map((s) => s.map((p) => (typeof p.value === "number" ? p.value : null)))];
      const el = document.createElement("div");
      grid.appendChild(el);
      new uPlot({ width: 700, height: 300, series: [{}, ...series.map((_, i) => ({ stroke: "hsl(" + i * 36 + ",70%,45%)" }))] }, data, el);
    }
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const ms = performance.now() - t0;
    const bytes = performance.getEntriesByType("resource")
      .filter((e) => e.name.includes("/api/"))
      .reduce((sum, e) => sum + (e.encodedBodySize || e.transferSize || 0), 0);
    return { ms, bytes, points };
  })()`;
  return (await page.evaluate(script)) as DrawResult;
}
