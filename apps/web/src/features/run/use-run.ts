import type { Run } from "@looplab/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

export const runQueryKey = (runId: string) => ["looplab-run", runId] as const;

/** One run; refreshed every few seconds while it is running (status, heartbeat, summaries). */
export function useRun(runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: runQueryKey(runId),
    queryFn: ({ signal }) => api.call("getRun", { params: { runId }, signal }),
    refetchInterval: (query) => (query.state.data?.status === "running" ? 5_000 : false),
  });
}

/** Writes a change through `updateRun` and puts the server's answer in the cache. */
export function useUpdateRun(runId: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return async (body: Parameters<typeof api.updateRun>[1]): Promise<Run> => {
    const run = await api.updateRun(runId, body);
    queryClient.setQueryData(runQueryKey(runId), run);
    return run;
  };
}
