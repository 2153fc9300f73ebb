import type { CallOutput } from "@looplab/sdk";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

export type ArtifactPage = CallOutput<"listArtifacts">;
export type ArtifactRow = ArtifactPage["artifacts"][number];
export type CheckpointList = CallOutput<"listCheckpoints">;
export type CheckpointRow = CheckpointList["checkpoints"][number];
export type RunLineage = CallOutput<"runLineage">;
export type UsedEdge = RunLineage["used"][number];
export type ProducedArtifact = RunLineage["produced"][number];
export type StorageUsage = CallOutput<"runStorage">;

/** Artifacts per page of the file tree; more pages load on request ("Load more"). */
export const ARTIFACT_PAGE_SIZE = 200;
/** While a run is running its files, checkpoints and storage are refreshed this often. */
const LIVE_REFRESH_MS = 10_000;

const refresh = (live: boolean) => (live ? LIVE_REFRESH_MS : false);

/** A run's file tree, page by page (`nextPageToken`). */
export function useArtifactPages(runId: string, live: boolean, pageSize = ARTIFACT_PAGE_SIZE) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["looplab-artifacts", runId, pageSize],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.call("listArtifacts", {
        params: { runId },
        query: pageParam === undefined ? { limit: pageSize } : { limit: pageSize, pageToken: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
    refetchInterval: refresh(live),
  });
}

export function useRunStorage(runId: string, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-run-storage", runId],
    queryFn: ({ signal }) => api.call("runStorage", { params: { runId }, signal }),
    refetchInterval: refresh(live),
  });
}

/** Checkpoints by step, collected ones included (their state says so). */
export function useCheckpoints(runId: string, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-checkpoints", runId],
    queryFn: ({ signal }) =>
      api.call("listCheckpoints", { params: { runId }, query: { includeCollected: true }, signal }),
    refetchInterval: refresh(live),
  });
}

export function useRunLineage(runId: string, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-lineage", runId],
    queryFn: ({ signal }) => api.call("runLineage", { params: { runId }, signal }),
    refetchInterval: refresh(live),
  });
}

/** The runs that used a blob; fetched only when `enabled` (the expander is open). */
export function useBlobConsumers(sha256: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-blob-consumers", sha256],
    queryFn: ({ signal }) => api.call("blobConsumers", { params: { sha256 }, query: { limit: 100 }, signal }),
    enabled,
  });
}
