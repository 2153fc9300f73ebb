import type { CallOutput } from "@looplab/sdk";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useApi } from "../../api/api-context.js";

export type ModelRow = CallOutput<"listModels">["models"][number];
export type VersionRow = CallOutput<"listModelVersions">["versions"][number];

export const MODELS_PAGE_SIZE = 100;
export const VERSIONS_PAGE_SIZE = 100;

/** Registered models by name, page by page; `q` filters names (contains, any case). */
export function useModelPages(q: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["looplab-models", q],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.call("listModels", {
        query: {
          limit: MODELS_PAGE_SIZE,
          ...(q ? { q } : {}),
          ...(pageParam === undefined ? {} : { pageToken: pageParam }),
        },
        signal,
      }),
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
  });
}

export function useModel(name: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-model", name],
    queryFn: ({ signal }) => api.call("getModel", { params: { name }, query: {}, signal }),
  });
}

/** A model's versions, newest first, page by page. */
export function useVersionPages(name: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: ["looplab-model-versions", name],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.call("listModelVersions", {
        params: { name },
        query:
          pageParam === undefined ? { limit: VERSIONS_PAGE_SIZE } : { limit: VERSIONS_PAGE_SIZE, pageToken: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
  });
}

/** Versions registered from a run (the run page's "registered as"). */
export function useRunModelVersions(runId: string) {
  const api = useApi();
  return useQuery({
    queryKey: ["looplab-run-model-versions", runId],
    queryFn: ({ signal }) => api.call("runModelVersions", { params: { runId }, signal }),
  });
}
