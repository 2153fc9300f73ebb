import { type BulkRunsBody, type BulkRunsResult, bulkRunsBody, invalidArgument, MAX_BULK_RUNS } from "@looplab/core";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { RunEvents } from "./event-bus.js";
import type { ProjectService } from "./project-service.js";

export type BulkService = ReturnType<typeof createBulkService>;

/** Tags, deletion and restoration of many runs at once, in one transaction (the runs table's bulk actions). */
export function createBulkService(store: Store, projects: ProjectService, clock: Clock, events?: RunEvents) {
  async function select(body: ReturnType<typeof bulkRunsBody.parse>): Promise<string[]> {
    if (body.runIds) return (await store.runs.getMany([...new Set(body.runIds)])).map((r) => r.id);
    const project = await projects.require(body.project ?? "");
    const result = await store.runs.search({
      projectId: project.id,
      filter: body.filter ?? "",
      sort: "createdAt",
      offset: 0,
      limit: MAX_BULK_RUNS + 1,
      includeDeleted: body.action === "restore",
      withTotal: false,
    });
    if (result.runIds.length > MAX_BULK_RUNS) {
      throw invalidArgument(`the filter matches more than ${MAX_BULK_RUNS} runs; narrow it or act in parts`, {
        field: "filter",
      });
    }
    return result.runIds;
  }

  return {
    async apply(input: BulkRunsBody): Promise<BulkRunsResult> {
      const body = bulkRunsBody.parse(input);
      const ids = await select(body);
      const now = clock.now();
      const tags = Array.isArray(body.tags) ? Object.fromEntries(body.tags.map((k) => [k, ""])) : (body.tags ?? {});
      const changed = await store.transaction(async ({ dashboard }) => {
        switch (body.action) {
          case "addTags":
            return await dashboard.bulk.addTags(ids, tags, now);
          case "removeTags":
            return await dashboard.bulk.removeTags(ids, Object.keys(tags), now);
          case "delete":
            return await dashboard.bulk.setDeleted(ids, now, now);
          case "restore":
            return await dashboard.bulk.setDeleted(ids, null, now);
        }
      });
      const reason = body.action === "delete" ? "deleted" : body.action === "restore" ? "restored" : "updated";
      events?.runsChanged(changed, reason);
      return { matched: ids.length, changed: changed.length, runIds: changed };
    },
  };
}
