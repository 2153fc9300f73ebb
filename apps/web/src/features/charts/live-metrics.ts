import type { ProjectEvent } from "@looplab/core";
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef } from "react";
import { type ProjectEventsStatus, useProjectEvents } from "../../api/project-events.js";
import { seriesListQueryKey } from "./use-metric-keys.js";
import { CHART_QUERY } from "./use-panel-series.js";

/** At most one chart refresh per this interval, however often points arrive. */
export const LIVE_REFRESH_MS = 2_000;

export interface LiveRun {
  id: string;
  status?: string | null;
}

/** Run id → the metric keys that changed; `null`: every key of the run. */
type Changes = Map<string, Set<string> | null>;

/** Run `reason`s after which a run's panels are refetched whole (a resume may have truncated points). */
const statusReasons = new Set(["status", "crashed"]);

/**
 * Keeps the charts of `runs` growing without a reload, from the project's shared event stream
 * (`useProjectEvents`: one connection per project, also used by the runs table):
 * - `metrics` of a shown run → the chart queries drawing that (run, key) are invalidated
 *   (visible panels refetch, hidden ones when they scroll in); a key the run's cached series
 *   list lacks refreshes that list, so a new panel appears;
 * - `run` with a status change of a shown run → all of its panels refetch;
 * - `reset` (events were missed) → every chart query and series list refetches.
 * Refreshes are throttled to one per LIVE_REFRESH_MS (the first one at once). Events of other
 * runs are ignored here, on the client. Returns the stream's status.
 */
export function useLiveCharts(runs: readonly LiveRun[], project: string): ProjectEventsStatus {
  const queryClient = useQueryClient();
  const idsKey = runs.map((r) => r.id).join(",");
  const ids = useMemo(() => new Set(idsKey === "" ? [] : idsKey.split(",")), [idsKey]);
  const pending = useRef<Changes>(new Map());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlush = useRef(Number.NEGATIVE_INFINITY);

  const flush = () => {
    timer.current = null;
    lastFlush.current = Date.now();
    const changes = pending.current;
    pending.current = new Map();
    refreshCharts(queryClient, changes);
  };
  const schedule = (runId: string, keys: readonly string[] | null) => {
    const known = pending.current.get(runId);
    if (keys === null || known === null) pending.current.set(runId, null);
    else pending.current.set(runId, new Set([...(known ?? []), ...keys]));
    if (timer.current !== null) return;
    timer.current = setTimeout(flush, Math.max(0, lastFlush.current + LIVE_REFRESH_MS - Date.now()));
  };

  const status = useProjectEvents(runs.length > 0 ? project : null, (event: ProjectEvent) => {
    if (event.type === "metrics") {
      if (ids.has(event.data.runId) && event.data.keys.length > 0)
        schedule(
          event.data.runId,
          event.data.keys.map((k) => k.key),
        );
    } else if (event.type === "run") {
      if (ids.has(event.data.runId) && statusReasons.has(event.data.reason)) schedule(event.data.runId, null);
    } else if (event.type === "reset") {
      void queryClient.invalidateQueries({ queryKey: [CHART_QUERY] });
      for (const id of ids) void queryClient.invalidateQueries({ queryKey: seriesListQueryKey(id) });
    }
  });

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return status;
}

function refreshCharts(queryClient: QueryClient, changes: Changes): void {
  if (changes.size === 0) return;
  void queryClient.invalidateQueries({
    predicate: (q) => {
      const [head, key, runIds] = q.queryKey;
      if (head !== CHART_QUERY || typeof key !== "string" || typeof runIds !== "string") return false;
      return runIds.split(",").some((id) => {
        const keys = changes.get(id);
        return keys === null || keys?.has(key) === true;
      });
    },
  });
  for (const [runId, keys] of changes) {
    if (keys === null || hasNewKey(queryClient, runId, keys))
      void queryClient.invalidateQueries({ queryKey: seriesListQueryKey(runId) });
  }
}

/** Whether the run's cached series list (if any) lacks one of `keys`: then a panel is missing. */
function hasNewKey(queryClient: QueryClient, runId: string, keys: ReadonlySet<string>): boolean {
  const list = queryClient.getQueryData<{ series: { key: string; count: number }[] }>(seriesListQueryKey(runId));
  if (list === undefined) return false;
  const known = new Set(list.series.filter((s) => s.count > 0).map((s) => s.key));
  for (const key of keys) if (!known.has(key)) return true;
  return false;
}
