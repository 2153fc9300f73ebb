import { isStringAttribute, isTimeAttribute, metricAggregates, type ProjectKeys, runAttributes } from "@looplab/core";
import type { Store } from "../ports/store.js";
import { parseFieldRef, toValueField } from "./field-ref.js";
import type { ProjectService } from "./project-service.js";

export type KeyCatalogService = ReturnType<typeof createKeyCatalogService>;

const listableFields = new Set(["status", "group", "name", "host"]);

/** The fixed run fields of the filter language, for the filter box and the column picker. */
const runFields: ProjectKeys["fields"] = runAttributes.map((name) => ({
  name,
  type: isStringAttribute(name) ? "string" : isTimeAttribute(name) ? "time" : "duration",
  values: listableFields.has(name),
}));

/** Keys and values of a project's runs, for autocomplete and the column picker. */
export function createKeyCatalogService(store: Store, projects: ProjectService) {
  return {
    async keys(projectName: string, query: { limit: number; prefix?: string | undefined }): Promise<ProjectKeys> {
      const project = await projects.require(projectName);
      const [catalog, definitions] = await Promise.all([
        store.dashboard.keys.listKeys({ projectId: project.id, limit: query.limit, prefix: query.prefix }),
        store.projects.listMetricDefinitions(project.id),
      ]);
      const goals = new Map(definitions.map((d) => [d.key, d.goal]));
      const prefix = query.prefix ?? "";
      return {
        config: catalog.config,
        metrics: catalog.metrics.map((m) => {
          const goal = goals.get(m.key);
          return goal ? { ...m, goal } : m;
        }),
        tags: catalog.tags,
        fields: runFields.filter((f) => f.name.startsWith(prefix)),
        metricAggregates: [...metricAggregates],
        truncated: catalog.truncated,
      };
    },

    async values(projectName: string, query: { field: string; prefix?: string | undefined; limit: number }) {
      const project = await projects.require(projectName);
      const field = toValueField(parseFieldRef(query.field, "field"), "field");
      const result = await store.dashboard.keys.listValues({
        projectId: project.id,
        field,
        prefix: query.prefix,
        limit: query.limit,
      });
      return { field: query.field, ...result };
    },
  };
}
