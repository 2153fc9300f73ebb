import type { MetricGoal, Run } from "@looplab/core";
import { useQueries, useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";
import { runQueryKey } from "../run/use-run.js";

/** The compared runs, in URL order; running ones refresh every few seconds. */
export function useCompareRuns(ids: readonly string[]) {
  const api = useApi();
  return useQueries({
    queries: ids.map((runId) => ({
      queryKey: runQueryKey(runId),
      queryFn: ({ signal }: { signal: AbortSignal }) => api.call("getRun", { params: { runId }, signal }),
      refetchInterval: (query: { state: { data?: Run } }) => (query.state.data?.status === "running" ? 5_000 : false),
    })),
    combine: (results) => ({
      runs: results.flatMap((r) => (r.data ? [r.data] : [])),
      pending: results.some((r) => r.isPending),
      errors: results.flatMap((r, i) => (r.error ? [{ id: ids[i] as string, message: r.error.message }] : [])),
    }),
  });
}

/** The project's metric goals (min/max), which decide "best" and the colour of deltas. */
export function useMetricGoals(project: string): ReadonlyMap<string, MetricGoal> {
  const api = useApi();
  const result = useQuery({
    queryKey: ["looplab-project", project],
    queryFn: ({ signal }) => api.call("getProject", { params: { project }, signal }),
    staleTime: 60_000,
  });
  const defs = result.data?.metricDefinitions;
  return useQueryMemo(defs);
}

const empty = new Map<string, MetricGoal>();
const cache = new WeakMap<object, Map<string, MetricGoal>>();
function useQueryMemo(defs: { key: string; goal: MetricGoal }[] | undefined): ReadonlyMap<string, MetricGoal> {
  if (!defs) return empty;
  let map = cache.get(defs);
  if (!map) {
    map = new Map(defs.map((d) => [d.key, d.goal]));
    cache.set(defs, map);
  }
  return map;
}
