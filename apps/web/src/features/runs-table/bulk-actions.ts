import { MAX_BULK_RUNS } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import { andFilters } from "./group-model.js";
import type { Selection } from "./selection-model.js";

/**
 * Bulk tag and delete through the bulk endpoint (`bulkRuns`, one transaction per request).
 * Picked runs go by id, 1,000 per request. "All matching" goes as the table's filter (with the
 * unticked runs excluded), so the server selects the runs; up to MAX_BULK_RUNS of them in one
 * transaction, more in parts of 1,000 ids read from the search, up to MAX_BULK.
 */

/** Most runs one "all matching" action touches. */
export const MAX_BULK = 10_000;

export type BulkAction =
  | { kind: "addTags"; tags: string[] }
  | { kind: "removeTags"; tags: string[] }
  | { kind: "delete" };

export interface BulkResult {
  matched: number;
  changed: number;
}

type BulkTarget = { runIds: string[] } | { project: string; filter: string };

function body(target: BulkTarget, action: BulkAction) {
  return action.kind === "delete"
    ? { ...target, action: "delete" as const }
    : { ...target, action: action.kind, tags: action.tags };
}

/** The filter selecting "all matching" minus the unticked runs. */
export function selectionFilter(filter: string, except: readonly string[]): string {
  if (except.length === 0) return filter;
  return andFilters(filter, `id not in (${except.map((id) => `"${id}"`).join(", ")})`);
}

/** Ids of the runs matching a filter, up to `max`, in pages of 1,000. */
async function matchingRunIds(api: LooplabClient, project: string, filter: string, max: number): Promise<string[]> {
  const ids: string[] = [];
  while (ids.length < max) {
    const limit = Math.min(1000, max - ids.length);
    const page = await api.call("searchRuns", {
      body: { project, filter, sort: "-createdAt", offset: ids.length, limit },
    });
    ids.push(...page.runs.map((r) => r.id));
    if (page.runs.length < limit) break;
  }
  return ids;
}

/**
 * Applies an action to the selected runs. `total` is the number of runs matching the filter when
 * known (it decides whether "all matching" fits one request).
 */
export async function applyBulkAction(
  api: LooplabClient,
  target: { project: string; filter: string; selection: Selection; total: number | null },
  action: BulkAction,
): Promise<BulkResult> {
  const { selection } = target;
  if (selection.mode === "all") {
    const filter = selectionFilter(target.filter, selection.except);
    if (target.total !== null && target.total <= MAX_BULK_RUNS) {
      const result = await api.call("bulkRuns", { body: body({ project: target.project, filter }, action) });
      return { matched: result.matched, changed: result.changed };
    }
    return byIds(api, await matchingRunIds(api, target.project, filter, MAX_BULK), action);
  }
  return byIds(api, selection.ids, action);
}

async function byIds(api: LooplabClient, ids: readonly string[], action: BulkAction): Promise<BulkResult> {
  let matched = 0;
  let changed = 0;
  for (let i = 0; i < ids.length; i += MAX_BULK_RUNS) {
    const result = await api.call("bulkRuns", { body: body({ runIds: ids.slice(i, i + MAX_BULK_RUNS) }, action) });
    matched += result.matched;
    changed += result.changed;
  }
  return { matched, changed };
}

/** "a, b c" → ["a", "b", "c"]: tags typed in the bulk tag box. */
export function parseTagInput(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
