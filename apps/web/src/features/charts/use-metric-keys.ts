import type { LooplabClient } from "@looplab/sdk";
import { type QueryKey, useQueries } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

/** Most runs whose series lists are read to find panel keys when no `keys` are given. */
export const MAX_KEY_RUNS = 100;

export function seriesListQueryKey(runId: string): QueryKey {
  return ["looplab-series-list", runId];
}

export function seriesListQuery(api: LooplabClient, runId: string) {
  return {
    queryKey: seriesListQueryKey(runId),
    queryFn: ({ signal }: { signal: AbortSignal }) => api.call("listSeries", { params: { runId }, signal }),
    staleTime: 30_000,
  };
}

/**
 * The metric keys to draw panels for: `keys` when the caller has them (e.g. from the project's
 * key catalogue), otherwise the union of the runs' series (first MAX_KEY_RUNS runs), sorted.
 */
export function useMetricKeys(runIds: readonly string[], keys: readonly string[] | undefined) {
  const api = useApi();
  const ids = keys ? [] : runIds.slice(0, MAX_KEY_RUNS);
  return useQueries({
    queries: ids.map((id) => seriesListQuery(api, id)),
    combine: (results) => {
      if (keys) return { keys: [...keys], pending: false, error: null as Error | null };
      const set = new Set<string>();
      for (const r of results) for (const s of r.data?.series ?? []) if (s.count > 0) set.add(s.key);
      return {
        keys: [...set].sort((a, b) => a.localeCompare(b, "en", { numeric: true })),
        pending: results.some((r) => r.isPending),
        error: results.find((r) => r.error)?.error ?? null,
      };
    },
  });
}
