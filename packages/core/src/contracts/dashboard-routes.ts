import { z } from "zod";
import { projectNameSchema } from "../schemas/common.js";
import {
  bulkRunsBody,
  bulkRunsResult,
  createViewBody,
  keyValuesQuery,
  keyValuesSchema,
  projectEventsQuery,
  projectKeysQuery,
  projectKeysSchema,
  putViewBody,
  runGroupsBody,
  runGroupsResult,
  savedViewSchema,
  viewListSchema,
  viewNameSchema,
} from "../schemas/dashboard.js";
import type { RouteContract } from "./route-contract.js";

/**
 * Routes the dashboard needs, public like every other (DESIGN.md §2.3); see
 * docs/dashboard-api.md. Spread into `routes` of ./routes.ts.
 */

const projectParams = z.object({ project: projectNameSchema });
const viewParams = z.object({ project: projectNameSchema, name: viewNameSchema });

export const dashboardRoutes = {
  projectEvents: {
    method: "GET",
    path: "/api/v1/projects/:project/events",
    summary:
      "Live run and metric events of a project as Server-Sent Events (text/event-stream); resumes after Last-Event-ID",
    params: projectParams,
    query: projectEventsQuery,
  },
  listProjectKeys: {
    method: "GET",
    path: "/api/v1/projects/:project/keys",
    summary:
      "Config paths (with types), metric keys (with goals), tag keys and run fields of a project, with run counts",
    params: projectParams,
    query: projectKeysQuery,
    response: projectKeysSchema,
  },
  listKeyValues: {
    method: "GET",
    path: "/api/v1/projects/:project/keys/values",
    summary: "Distinct values with counts of a config path, tag, status, group, name or host (autocomplete)",
    params: projectParams,
    query: keyValuesQuery,
    response: keyValuesSchema,
  },
  groupRuns: {
    method: "POST",
    path: "/api/v1/projects/:project/runs/groups",
    summary:
      "Group a project's (filtered) runs by a field, with count and mean/std/min/max of numeric fields per group",
    params: projectParams,
    body: runGroupsBody,
    response: runGroupsResult,
  },
  listViews: {
    method: "GET",
    path: "/api/v1/projects/:project/views",
    summary: "Saved dashboard views of a project, by name",
    params: projectParams,
    response: viewListSchema,
  },
  createView: {
    method: "POST",
    path: "/api/v1/projects/:project/views",
    summary: "Save a dashboard view (409 if the name is taken)",
    params: projectParams,
    body: createViewBody,
    response: savedViewSchema,
    status: 201,
  },
  getView: {
    method: "GET",
    path: "/api/v1/projects/:project/views/:name",
    summary: "Get a saved view",
    params: viewParams,
    response: savedViewSchema,
  },
  putView: {
    method: "PUT",
    path: "/api/v1/projects/:project/views/:name",
    summary: "Create or replace a saved view's state",
    params: viewParams,
    body: putViewBody,
    response: savedViewSchema,
  },
  deleteView: {
    method: "DELETE",
    path: "/api/v1/projects/:project/views/:name",
    summary: "Delete a saved view",
    params: viewParams,
    response: z.object({ ok: z.literal(true) }),
  },
  bulkRuns: {
    method: "POST",
    path: "/api/v1/runs/bulk",
    summary: "Add or remove tags, delete or restore up to 1,000 runs (by ids or a project filter) in one transaction",
    body: bulkRunsBody,
    response: bulkRunsResult,
  },
} as const satisfies Record<string, RouteContract>;
