import { invalidArgument, type Run, type RunList } from "@looplab/core";
import type { Store } from "../ports/store.js";
import { decodePageToken, encodePageToken, fingerprint } from "./page-token.js";
import type { ProjectService } from "./project-service.js";
import { toRunView } from "./run-view.js";

export type SearchService = ReturnType<typeof createSearchService>;

export interface SearchInput {
  project: string;
  filter: string;
  sort: string;
  pageToken?: string | undefined;
  offset?: number | undefined;
  limit: number;
  includeDeleted: boolean;
  withTotal: boolean;
}

export function createSearchService(store: Store, projects: ProjectService) {
  return {
    async search(input: SearchInput): Promise<RunList> {
      const project = await projects.require(input.project);
      const query = fingerprint(input.filter, input.sort, input.includeDeleted);
      let offset = input.offset ?? 0;
      if (input.pageToken) {
        const token = decodePageToken(input.pageToken);
        if (token.q !== query || typeof token.o !== "number") {
          throw invalidArgument("pageToken belongs to a different filter or sort", { field: "pageToken" });
        }
        offset = token.o;
      }
      const result = await store.runs.search({
        projectId: project.id,
        filter: input.filter,
        sort: input.sort,
        offset,
        limit: input.limit,
        includeDeleted: input.includeDeleted,
        withTotal: input.withTotal,
      });
      const [records, seriesByRun, definitions] = await Promise.all([
        store.runs.getMany(result.runIds),
        store.metrics.listSeriesForRuns(result.runIds),
        store.projects.listMetricDefinitions(project.id),
      ]);
      const runs: Run[] = records.map((r) => toRunView(r, project, seriesByRun.get(r.id) ?? [], definitions));
      return {
        runs,
        nextPageToken: result.hasMore ? encodePageToken({ o: offset + input.limit, q: query }) : null,
        total: result.total,
      };
    },
  };
}
