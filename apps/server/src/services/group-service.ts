import { type RunGroups, type RunGroupsBody, runGroupsBody } from "@looplab/core";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { parseFieldRef, toValueField } from "./field-ref.js";
import type { ProjectService } from "./project-service.js";

export type GroupService = ReturnType<typeof createGroupService>;

/** Groups of runs with count and mean/std/min/max of numeric fields (the runs table's grouping). */
export function createGroupService(store: Store, projects: ProjectService, clock: Clock) {
  return {
    async group(projectName: string, input: RunGroupsBody): Promise<RunGroups> {
      const body = runGroupsBody.parse(input);
      const project = await projects.require(projectName);
      const groupBy = toValueField(parseFieldRef(body.groupBy, "groupBy"), "groupBy");
      const names = [...new Set(body.metrics)];
      const fields = names.map((text) => parseFieldRef(text, "metrics"));
      const result = await store.dashboard.groups.groupRuns({
        projectId: project.id,
        filter: body.filter,
        groupBy,
        fields,
        limit: body.limit,
        offset: body.offset,
        includeDeleted: body.includeDeleted,
        now: clock.now(),
      });
      return {
        groupBy: body.groupBy,
        total: result.total,
        groups: result.groups.map((g) => ({
          value: g.value,
          count: g.count,
          fields: Object.fromEntries(
            names.map((name, i) => [name, g.stats[i] ?? { n: 0, mean: null, std: null, min: null, max: null }]),
          ),
        })),
      };
    },
  };
}
