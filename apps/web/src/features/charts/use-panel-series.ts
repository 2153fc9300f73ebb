import { MAX_SERIES_PER_QUERY, type SeriesWindow } from "@looplab/core";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

/** First element of every chart query key: the live-update code invalidates by it. */
export const CHART_QUERY = "looplab-chart";

export interface StepWindow {
  startStep: number;
  endStep: number;
}

export function chartQueryKey(
  metricKey: string,
  runIds: readonly string[],
  buckets: number,
  window: StepWindow | null,
) {
  return [
    CHART_QUERY,
    metricKey,
    runIds.join(","),
    buckets,
    window?.startStep ?? null,
    window?.endStep ?? null,
  ] as const;
}

/**
 * One panel's data: the key's series for every run, downsampled on the server to `buckets`
 * (the panel's width in px) over `window` (the zoom), in as few `querySeries` calls as the
 * per-request limit allows. Previous data stays on screen while a zoom or resize refetches.
 */
export function usePanelSeries(
  metricKey: string,
  runIds: readonly string[],
  buckets: number,
  window: StepWindow | null,
  enabled: boolean,
) {
  const api = useApi();
  return useQuery({
    queryKey: chartQueryKey(metricKey, runIds, buckets, window),
    enabled: enabled && runIds.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    queryFn: async ({ signal }): Promise<SeriesWindow[]> => {
      const calls: Promise<SeriesWindow[]>[] = [];
      for (let i = 0; i < runIds.length; i += MAX_SERIES_PER_QUERY) {
        const series = runIds.slice(i, i + MAX_SERIES_PER_QUERY).map((runId) => ({ runId, key: metricKey }));
        const body = { series, buckets, ...(window ?? {}) };
        calls.push(api.call("querySeries", { body, signal }).then((r) => r.series));
      }
      return (await Promise.all(calls)).flat().filter((s) => s.totalPoints > 0);
    },
  });
}
