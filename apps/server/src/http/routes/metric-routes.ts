import { Readable } from "node:stream";
import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";
import { toCsv, toJsonLines } from "./metric-export.js";

export function registerMetricRoutes(app: FastifyInstance, s: Services): void {
  registerRoute(app, routes.logMetrics, ({ params, body }) => s.metrics.log(params.runId, body));
  registerRoute(app, routes.listSeries, ({ params }) => s.metrics.listSeries(params.runId));
  registerRoute(app, routes.seriesWindow, ({ params, query }) => s.metrics.window(params.runId, query.key, query));
  registerRoute(app, routes.seriesPoints, ({ params, query }) => s.metrics.points(params.runId, query.key, query));
  registerRoute(app, routes.querySeries, ({ body }) => s.metrics.query(body));
  registerRoute(app, routes.truncateMetrics, ({ params, body }) =>
    s.metrics.truncate(params.runId, body.afterStep, body.keys),
  );
  registerRoute(app, routes.exportRunMetrics, async ({ params, query, reply }) => {
    await s.runs.requireRun(params.runId);
    const keys = query.keys ? query.keys.split(",").filter(Boolean) : undefined;
    const pages = s.metrics.exportPoints(params.runId, keys);
    const csv = query.format === "csv";
    void reply
      .type(csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8")
      .header("content-disposition", `attachment; filename="${params.runId}-metrics.${csv ? "csv" : "jsonl"}"`)
      .send(Readable.from(csv ? toCsv(pages) : toJsonLines(pages)));
    return undefined;
  });
}
