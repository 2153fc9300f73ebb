import type { JobState } from "@looplab/core";
import type { CallOutput } from "@looplab/sdk";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

export type JobRow = CallOutput<"listJobs">["jobs"][number];
export type AgentRow = CallOutput<"listAgents">["agents"][number];
export type QueueRow = CallOutput<"listQueues">["queues"][number];

/** The queue page refreshes itself this often: jobs move between states within seconds. */
export const QUEUE_REFRESH_MS = 2_000;
/** Jobs shown per state tab; the page says when there are more. */
export const JOBS_PAGE_SIZE = 200;

export function useQueues() {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-queues"],
    queryFn: ({ signal }) => api.call("listQueues", { signal }),
    refetchInterval: QUEUE_REFRESH_MS,
  });
}

export function useAgents(includeOffline: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-agents", includeOffline],
    queryFn: ({ signal }) => api.call("listAgents", { query: { includeOffline }, signal }),
    refetchInterval: QUEUE_REFRESH_MS,
  });
}

export function useJobs(filter: { queue?: string | undefined; states: readonly JobState[] }) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-jobs", filter.queue ?? "", filter.states.join(",")],
    queryFn: ({ signal }) =>
      api.call("listJobs", {
        query: {
          ...(filter.queue ? { queue: filter.queue } : {}),
          state: filter.states.join(","),
          limit: JOBS_PAGE_SIZE,
        },
        signal,
      }),
    refetchInterval: QUEUE_REFRESH_MS,
  });
}

/** Cancel, requeue, reprioritise and queue limits; each refreshes the whole page's data when done. */
export function useQueueActions() {
  const api = useApi();
  const client = useQueryClient();
  const refresh = () =>
    Promise.all(
      ["looplab-jobs", "looplab-queues", "looplab-agents"].map((key) => client.invalidateQueries({ queryKey: [key] })),
    );
  const cancel = useMutation({
    mutationFn: (jobId: string) => api.call("cancelJob", { params: { jobId }, body: { reason: "cancelled" } }),
    onSettled: refresh,
  });
  const requeue = useMutation({
    mutationFn: (jobId: string) => api.call("requeueJob", { params: { jobId } }),
    onSettled: refresh,
  });
  const setPriority = useMutation({
    mutationFn: ({ jobId, priority }: { jobId: string; priority: number }) =>
      api.call("updateJob", { params: { jobId }, body: { priority } }),
    onSettled: refresh,
  });
  const setLimit = useMutation({
    mutationFn: ({ queue, limit }: { queue: string; limit: number | null }) =>
      api.call("putQueue", { params: { queue }, body: { concurrencyLimit: limit } }),
    onSettled: refresh,
  });
  return { cancel, requeue, setPriority, setLimit };
}
