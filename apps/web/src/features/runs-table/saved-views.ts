import type { SavedView } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";

/**
 * Saved views per project: a name and the page's URL query, stored on the server (views
 * endpoints, docs/dashboard-api.md). Errors reach the caller, which shows them.
 */
export type { SavedView };

export const viewsKey = (project: string) => ["views", project] as const;

export async function listViews(api: LooplabClient, project: string, signal?: AbortSignal): Promise<SavedView[]> {
  return (await api.call("listViews", { params: { project }, signal })).views;
}

/** Creates the view, or replaces the state of the view of that name. */
export function saveView(
  api: LooplabClient,
  project: string,
  name: string,
  state: Record<string, string>,
): Promise<SavedView> {
  return api.call("putView", { params: { project, name }, body: { state } });
}

export async function deleteView(api: LooplabClient, project: string, name: string): Promise<void> {
  await api.call("deleteView", { params: { project, name } });
}
