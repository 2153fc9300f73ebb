import { z } from "zod";
import { booleanQuery, projectNameSchema, runIdSchema } from "../schemas/common.js";
import {
  exportedRunSchema,
  exportRunsQuery,
  exportRunsResult,
  importArtifactsBody,
  importArtifactsResult,
  importMetricsBody,
  importProjectBody,
} from "../schemas/import-export.js";
import {
  exportQuery,
  logMetricsBody,
  logMetricsResult,
  pointsPageSchema,
  pointsQuery,
  seriesQueryBody,
  seriesQueryResult,
  seriesWindowQuery,
  seriesWindowSchema,
  truncateMetricsBody,
  truncateMetricsResult,
} from "../schemas/metrics.js";
import {
  createProjectBody,
  listProjectsQuery,
  metricDefinitionSchema,
  projectListSchema,
  projectSchema,
  putMetricDefinitionBody,
  updateProjectBody,
} from "../schemas/projects.js";
import {
  configChangeSchema,
  createRunBody,
  metricSummarySchema,
  runListSchema,
  runSchema,
  searchRunsBody,
  searchRunsQuery,
  updateRunBody,
} from "../schemas/runs.js";
import { artifactRoutes } from "./artifact-routes.js";
import { dashboardRoutes } from "./dashboard-routes.js";
import { queueRoutes } from "./queue-routes.js";
import { registryRoutes } from "./registry-routes.js";
import type { RouteContract } from "./route-contract.js";

export type { RouteContract };

const projectParams = z.object({ project: projectNameSchema });
const runParams = z.object({ runId: runIdSchema });
const metricDefParams = z.object({ project: projectNameSchema, key: z.string().min(1).max(250) });
const okSchema = z.object({ ok: z.literal(true) });
const purgeQuery = z.object({ purge: booleanQuery.default(false) });

export const healthSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  store: z.enum(["sqlite", "postgres"]),
  time: z.number(),
});

/**
 * Every route of the native API, declared once. The server registers handlers against these
 * contracts (validation + OpenAPI), and the SDK builds its typed client from the same objects.
 */
export const routes = {
  health: { method: "GET", path: "/api/v1/health", summary: "Liveness and store kind", response: healthSchema },

  listProjects: {
    method: "GET",
    path: "/api/v1/projects",
    summary: "List projects",
    query: listProjectsQuery,
    response: projectListSchema,
  },
  createProject: {
    method: "POST",
    path: "/api/v1/projects",
    summary: "Create a project",
    body: createProjectBody,
    response: projectSchema,
    status: 201,
  },
  getProject: {
    method: "GET",
    path: "/api/v1/projects/:project",
    summary: "Get a project by name",
    params: projectParams,
    response: projectSchema,
  },
  updateProject: {
    method: "PATCH",
    path: "/api/v1/projects/:project",
    summary: "Update a project",
    params: projectParams,
    body: updateProjectBody,
    response: projectSchema,
  },
  deleteProject: {
    method: "DELETE",
    path: "/api/v1/projects/:project",
    summary: "Soft-delete a project (purge=true deletes it and its runs for good)",
    params: projectParams,
    query: purgeQuery,
    response: okSchema,
  },
  restoreProject: {
    method: "POST",
    path: "/api/v1/projects/:project/restore",
    summary: "Restore a soft-deleted project",
    params: projectParams,
    response: projectSchema,
  },
  putMetricDefinition: {
    method: "PUT",
    path: "/api/v1/projects/:project/metric-definitions/:key",
    summary: "Define a metric's goal (min or max) so that 'best' is known",
    params: metricDefParams,
    body: putMetricDefinitionBody,
    response: metricDefinitionSchema,
  },
  deleteMetricDefinition: {
    method: "DELETE",
    path: "/api/v1/projects/:project/metric-definitions/:key",
    summary: "Remove a metric definition",
    params: metricDefParams,
    response: okSchema,
  },
  searchRunsGet: {
    method: "GET",
    path: "/api/v1/projects/:project/runs",
    summary: "List a project's runs with the filter language, sort and pagination",
    params: projectParams,
    query: searchRunsQuery,
    response: runListSchema,
  },
  searchRuns: {
    method: "POST",
    path: "/api/v1/runs/search",
    summary: "Search runs (same as the GET form, with a JSON body)",
    body: searchRunsBody,
    response: runListSchema,
  },

  createRun: {
    method: "POST",
    path: "/api/v1/runs",
    summary: "Create a run (creates a missing project)",
    body: createRunBody,
    response: runSchema,
    status: 201,
  },
  getRun: { method: "GET", path: "/api/v1/runs/:runId", summary: "Get a run", params: runParams, response: runSchema },
  updateRun: {
    method: "PATCH",
    path: "/api/v1/runs/:runId",
    summary: "Update status, name, tags, notes, group or config (config changes are kept as history)",
    params: runParams,
    body: updateRunBody,
    response: runSchema,
  },
  deleteRun: {
    method: "DELETE",
    path: "/api/v1/runs/:runId",
    summary: "Soft-delete a run (purge=true deletes it and its metrics for good)",
    params: runParams,
    query: purgeQuery,
    response: okSchema,
  },
  restoreRun: {
    method: "POST",
    path: "/api/v1/runs/:runId/restore",
    summary: "Restore a soft-deleted run",
    params: runParams,
    response: runSchema,
  },
  heartbeat: {
    method: "POST",
    path: "/api/v1/runs/:runId/heartbeat",
    summary: "Record that a running run is alive",
    params: runParams,
    response: z.object({ status: z.string() }),
  },
  configHistory: {
    method: "GET",
    path: "/api/v1/runs/:runId/config-history",
    summary: "Config changes of a run, oldest first",
    params: runParams,
    response: z.object({ changes: z.array(configChangeSchema) }),
  },
  logMetrics: {
    method: "POST",
    path: "/api/v1/runs/:runId/metrics",
    summary: "Append a batch of metric points (whole or not at all; a repeated batchId is a no-op)",
    params: runParams,
    body: logMetricsBody,
    response: logMetricsResult,
  },
  listSeries: {
    method: "GET",
    path: "/api/v1/runs/:runId/metrics",
    summary: "Summaries of every metric series of a run",
    params: runParams,
    response: z.object({ series: z.array(metricSummarySchema) }),
  },
  seriesWindow: {
    method: "GET",
    path: "/api/v1/runs/:runId/metrics/window",
    summary: "One series downsampled to at most N buckets (min, max, first, last, count each)",
    params: runParams,
    query: seriesWindowQuery,
    response: seriesWindowSchema,
  },
  seriesPoints: {
    method: "GET",
    path: "/api/v1/runs/:runId/metrics/points",
    summary: "Exact points of one series, paged",
    params: runParams,
    query: pointsQuery,
    response: pointsPageSchema,
  },
  exportRunMetrics: {
    method: "GET",
    path: "/api/v1/runs/:runId/metrics/export",
    summary: "Every exact point of a run as CSV (key,step,value,time) or JSON lines, streamed",
    params: runParams,
    query: exportQuery,
  },
  truncateMetrics: {
    method: "POST",
    path: "/api/v1/runs/:runId/metrics/truncate",
    summary:
      "Delete a run's points after a step (all series or the keys given), summaries kept exact; for resuming from a checkpoint",
    params: runParams,
    body: truncateMetricsBody,
    response: truncateMetricsResult,
  },
  querySeries: {
    method: "POST",
    path: "/api/v1/metrics/query",
    summary: "Many series of many runs downsampled in one request (charts)",
    body: seriesQueryBody,
    response: seriesQueryResult,
  },

  // ── Portability: complete export and exact import (docs/export-format.md) ──────────────
  exportProjectRuns: {
    method: "GET",
    path: "/api/v1/export/projects/:project/runs",
    summary:
      "Every run of a project as stored, with config history, ordered by id (soft-deleted runs and projects included)",
    params: projectParams,
    query: exportRunsQuery,
    response: exportRunsResult,
  },
  importProject: {
    method: "POST",
    path: "/api/v1/import/projects",
    summary: "Restore a project exactly (id, timestamps, deletion mark, metric definitions); 409 if it exists",
    body: importProjectBody,
    response: projectSchema,
    status: 201,
  },
  importRun: {
    method: "POST",
    path: "/api/v1/import/runs",
    summary: "Restore a run exactly (id, status, timestamps, deletion mark) with its config history; 409 if it exists",
    body: exportedRunSchema,
    response: runSchema,
    status: 201,
  },
  importRunMetrics: {
    method: "POST",
    path: "/api/v1/import/runs/:runId/metrics",
    summary: "Append exact points with their wall times to a run without touching its heartbeat or timestamps",
    params: runParams,
    body: importMetricsBody,
    response: logMetricsResult,
  },
  importRunArtifacts: {
    method: "POST",
    path: "/api/v1/import/runs/:runId/artifacts",
    summary:
      "Restore a run's artifact records exactly (and its lineage edges) over blobs already uploaded; 422 if a blob is missing, 409 if a path holds other bytes; idempotent",
    params: runParams,
    body: importArtifactsBody,
    response: importArtifactsResult,
  },
  ...dashboardRoutes,
  ...artifactRoutes,
  ...queueRoutes,
  ...registryRoutes,
} as const satisfies Record<string, RouteContract>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;
