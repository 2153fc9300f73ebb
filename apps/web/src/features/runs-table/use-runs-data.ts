import type { Run, RunList } from "@looplab/core";
import { useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { useApi } from "../../api/api-context.js";
import type { ColumnSpec, Goals } from "./column-model.js";
import { emptyCatalog } from "./key-catalog.js";
import { type Layout, locate, pagesForRange } from "./row-window.js";
import {
  fetchGroups,
  fetchKeyCatalog,
  fetchKeyValues,
  fetchRunsPage,
  hasListableValues,
  PAGE_SIZE,
  runsKeys,
} from "./runs-api.js";

/** The project's metric definitions as a goal map. */
export function useProjectGoals(project: string) {
  const api = useApi();
  const query = useQuery({
    queryKey: ["project", project],
    queryFn: ({ signal }) => api.call("getProject", { params: { project }, signal }),
  });
  const definitions = query.data?.metricDefinitions ?? [];
  const goals: Goals = useMemo(() => new Map(definitions.map((d) => [d.key, d.goal])), [definitions]);
  return { project: query.data, definitions, goals, error: query.error };
}

export function useKeyCatalog(project: string, definitions: readonly { key: string; goal: "min" | "max" }[]) {
  const api = useApi();
  const query = useQuery({
    queryKey: [...runsKeys.catalog(project), definitions.map((d) => `${d.key}:${d.goal}`).join(",")],
    queryFn: ({ signal }) => fetchKeyCatalog(api, project, definitions, signal),
    staleTime: 60_000,
  });
  return { catalog: query.data ?? emptyCatalog, error: query.error };
}

/**
 * Values of a field for the filter box, from the values endpoint (only for fields it lists:
 * config paths, tags, status, group, name, host); undefined until known.
 */
export function useFieldValues(
  project: string,
  field: string | null,
  prefix: string,
): { values: string[] | undefined; error: Error | null } {
  const api = useApi();
  const listable = field !== null && hasListableValues(field);
  const query = useQuery({
    queryKey: [...runsKeys.all(project), "values", field, prefix],
    queryFn: ({ signal }) => fetchKeyValues(api, project, field ?? "", prefix, signal),
    enabled: listable,
    staleTime: 30_000,
    retry: false,
  });
  return { values: listable ? query.data : undefined, error: listable ? query.error : null };
}

export function useRunGroups(
  project: string,
  filter: string,
  groupBy: string | null,
  numericColumns: readonly ColumnSpec[],
) {
  const api = useApi();
  return useQuery({
    queryKey: runsKeys.groups(
      project,
      filter,
      groupBy ?? "",
      numericColumns.map((c) => c.id),
    ),
    queryFn: ({ signal }) => fetchGroups(api, { project, filter, groupBy: groupBy ?? "", numericColumns }, signal),
    enabled: groupBy !== null,
  });
}

/** Total matches of a filter, from any cached page of that query. */
export function useCachedTotal() {
  const queryClient = useQueryClient();
  return (project: string, filter: string, sort: string): number | null => {
    for (const [, data] of queryClient.getQueriesData<RunList>({
      queryKey: ["runs-table", project, "page", filter, sort],
    })) {
      if (data?.total !== undefined && data.total !== null) return data.total;
    }
    return null;
  };
}

export interface PagedRows {
  /** The run at a list index, undefined while its page loads (or for header rows). */
  runAt(index: number): Run | undefined;
  /** Totals reported by loaded pages, per segment index. */
  totals: Map<number, number>;
  error: Error | null;
  fetching: boolean;
}

/**
 * Fetches exactly the pages (by offset) under the list rows [start, end] of every segment, each
 * cached by TanStack Query under (project, filter, sort, offset, limit); any cached page shows.
 */
export function usePagedRows(
  project: string,
  sort: string,
  segmentFilters: readonly string[],
  layout: Layout,
  start: number,
  end: number,
): PagedRows {
  const api = useApi();
  const queryClient = useQueryClient();
  const requests = pagesForRange(layout, start, end, PAGE_SIZE, 0);
  const results = useQueries({
    queries: requests.map((r) => {
      const filter = segmentFilters[r.segment] ?? "";
      return {
        queryKey: runsKeys.page(project, filter, sort, r.offset, r.limit),
        queryFn: ({ signal }: { signal: AbortSignal }) =>
          fetchRunsPage(api, { project, filter, sort, offset: r.offset, limit: r.limit }, signal),
        retry: (count: number, error: Error) => count < 2 && !(error as { code?: string }).code?.startsWith("INVALID"),
      };
    }),
  });
  const pages = new Map<string, RunList>();
  const totals = new Map<number, number>();
  let error: Error | null = null;
  let fetching = false;
  requests.forEach((r, i) => {
    const result = results[i];
    if (!result) return;
    if (result.data) {
      pages.set(`${r.segment}:${r.page}`, result.data);
      if (result.data.total !== null) totals.set(r.segment, result.data.total);
    }
    if (result.error && !error) error = result.error;
    if (result.isFetching) fetching = true;
  });
  return {
    runAt(index) {
      const slot = locate(layout, index, PAGE_SIZE);
      if (slot?.kind !== "run") return undefined;
      let page = pages.get(`${slot.segment}:${slot.page}`);
      if (!page) {
        // Pages outside the (debounced) fetch range still show when they are cached.
        const filter = segmentFilters[slot.segment] ?? "";
        page = queryClient.getQueryData<RunList>(
          runsKeys.page(project, filter, sort, slot.page * PAGE_SIZE, PAGE_SIZE),
        );
      }
      return page?.runs[slot.offsetInPage];
    },
    totals,
    error,
    fetching,
  };
}
