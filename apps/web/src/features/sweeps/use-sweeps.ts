import type { CallOutput } from "@looplab/sdk";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

export type SweepView = CallOutput<"getSweep">;
export type SweepTrialRow = CallOutput<"listSweepTrials">["trials"][number];

/** A running sweep's page refreshes itself this often. */
export const SWEEP_REFRESH_MS = 2_000;

export function useSweep(sweepId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-sweep", sweepId],
    queryFn: ({ signal }) => api.call("getSweep", { params: { sweepId }, signal }),
    refetchInterval: (q) => (q.state.data?.state === "running" ? SWEEP_REFRESH_MS : false),
  });
}

/** Every trial of a sweep (paged through). */
export function useSweepTrials(sweepId: string, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-sweep-trials", sweepId],
    queryFn: async ({ signal }) => {
      const trials: SweepTrialRow[] = [];
      let pageToken: string | undefined;
      do {
        const page = await api.call("listSweepTrials", {
          params: { sweepId },
          query: { limit: 1000, ...(pageToken ? { pageToken } : {}) },
          signal,
        });
        trials.push(...page.trials);
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken !== undefined && trials.length < 20_000);
      return trials;
    },
    refetchInterval: live ? SWEEP_REFRESH_MS : false,
  });
}

export function useProjectSweeps(project: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-sweeps", project],
    queryFn: ({ signal }) => api.call("listSweeps", { query: { project, limit: 100 }, signal }),
    retry: false,
  });
}

export function useCancelSweep(sweepId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.call("cancelSweep", { params: { sweepId } }),
    onSuccess: (sweep) => {
      queryClient.setQueryData(["looplab-sweep", sweepId], sweep);
      void queryClient.invalidateQueries({ queryKey: ["looplab-sweep-trials", sweepId] });
    },
  });
}
