import type { ProjectEvent, Run, RunEvent, RunList } from "@looplab/core";
import { type Query, type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { type ProjectEventsStatus, useProjectEvents } from "../../api/project-events.js";
import { runsKeys } from "./runs-api.js";

/** Pages are refetched at most this often, however many events arrive. */
export const LIVE_REFRESH_MS = 1_000;
/** Group aggregates (a query over every matching run) at most this often. */
export const LIVE_GROUPS_REFRESH_MS = 5_000;

/** The run fields a `run` event carries, patched into cached rows in place. */
export function patchRun(run: Run, event: RunEvent): Run {
  return {
    ...run,
    status: event.status,
    name: event.name,
    tags: event.tags,
    group: event.group,
    updatedAt: event.updatedAt,
    heartbeatAt: event.heartbeatAt,
    endedAt: event.endedAt,
    deletedAt: event.deletedAt,
  };
}

/** The list with the event's run patched, or null when the run is not in it. */
export function patchRunList(list: RunList, event: RunEvent): RunList | null {
  const index = list.runs.findIndex((r) => r.id === event.runId);
  if (index < 0) return null;
  const runs = [...list.runs];
  runs[index] = patchRun(list.runs[index] as Run, event);
  return { ...list, runs };
}

/** Fields whose changes can move rows, as named in filters and sorts (lower-case). */
export type ChangedField = "status" | "name" | "tags" | "group" | "updatedat" | "endedat" | "duration" | "metrics";
const allRunFields: readonly ChangedField[] = ["status", "name", "tags", "group", "updatedat", "endedat", "duration"];

// Top-level fields only: `config.name` is not `name`.
const fieldRef = /(?<![\w.`])(status|name|tags|group|updatedAt|endedAt|duration|metrics)\b/gi;

/** Whether a page of (filter, sort) may gain, lose or reorder runs when these fields change. */
export function pageDependsOn(filter: string, sort: string, changed: ReadonlySet<ChangedField>): boolean {
  for (const match of `${filter} ${sort}`.matchAll(fieldRef)) {
    if (changed.has((match[1] as string).toLowerCase() as ChangedField)) return true;
  }
  return false;
}

/** The fields a run event changes on a cached run (all of them when the run is not cached). */
export function changedFields(before: Run | undefined, event: RunEvent): ChangedField[] {
  if (!before) return [...allRunFields];
  const out: ChangedField[] = [];
  if (before.status !== event.status) out.push("status");
  if (before.name !== event.name) out.push("name");
  if (JSON.stringify(before.tags) !== JSON.stringify(event.tags)) out.push("tags");
  if (before.group !== event.group) out.push("group");
  if (before.updatedAt !== event.updatedAt) out.push("updatedat");
  if (before.endedAt !== event.endedAt) out.push("endedat", "duration");
  return out;
}

interface Pending {
  all: boolean;
  /** Runs whose cached pages must refetch. */
  runIds: Set<string>;
  /** Fields changed on some run: pages filtered or sorted by them refetch. */
  fields: Set<ChangedField>;
}

const emptyPending = (): Pending => ({ all: false, runIds: new Set(), fields: new Set() });

/** Row queries of the table: pages (…, "page", filter, sort, offset, limit) and the project page's selected runs. */
function isRowQuery(project: string, key: readonly unknown[]): boolean {
  return key[0] === "runs-table" && key[1] === project && (key[2] === "page" || key[2] === "selected");
}

function invalidateRows(queryClient: QueryClient, project: string, p: Pending): void {
  if (!p.all && p.runIds.size === 0 && p.fields.size === 0) return;
  void queryClient.invalidateQueries({
    queryKey: runsKeys.all(project),
    predicate: (q: Query) => {
      const key = q.queryKey;
      if (!isRowQuery(project, key)) return false;
      if (p.all) return true;
      const data = q.state.data as RunList | undefined;
      if (data?.runs.some((r) => p.runIds.has(r.id))) return true;
      if (key[2] !== "page") return false;
      return pageDependsOn(String(key[3] ?? ""), String(key[4] ?? ""), p.fields);
    },
  });
}

/**
 * Keeps the table live from the project's event stream (one shared connection, see
 * api/project-events.tsx): `run` events patch the run in every cached page in place (status,
 * name, tags, group, timestamps) and refetch the pages whose filter or sort they may affect;
 * created, deleted and restored runs refetch the pages on screen (offsets shift); `metrics`
 * events refetch the pages holding those runs (and pages filtered or sorted by metrics),
 * throttled to one refresh per LIVE_REFRESH_MS; `reset` refetches everything. Only the pages
 * on screen refetch (TanStack Query refetches active queries); others are marked stale.
 */
export function useLiveRunUpdates(project: string): ProjectEventsStatus {
  const queryClient = useQueryClient();
  const pending = useRef<Pending>(emptyPending());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const groupsTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastFlush = useRef(0);
  const lastGroups = useRef(0);
  const subscribedAt = useRef(Date.now());
  const readyCount = useRef(0);

  useEffect(() => {
    subscribedAt.current = Date.now();
    readyCount.current = 0;
    pending.current = emptyPending();
    return () => {
      for (const t of [timer, groupsTimer]) {
        if (t.current !== null) clearTimeout(t.current);
        t.current = null;
      }
    };
  }, [project]);

  const schedule = () => {
    timer.current ??= setTimeout(
      () => {
        timer.current = null;
        lastFlush.current = Date.now();
        const p = pending.current;
        pending.current = emptyPending();
        invalidateRows(queryClient, project, p);
      },
      Math.max(0, LIVE_REFRESH_MS - (Date.now() - lastFlush.current)),
    );
    groupsTimer.current ??= setTimeout(
      () => {
        groupsTimer.current = null;
        lastGroups.current = Date.now();
        void queryClient.invalidateQueries({
          queryKey: runsKeys.all(project),
          predicate: (q) => q.queryKey[2] === "groups",
        });
      },
      Math.max(0, LIVE_GROUPS_REFRESH_MS - (Date.now() - lastGroups.current)),
    );
  };

  const onRunEvent = (event: RunEvent) => {
    const p = pending.current;
    if (event.reason === "created" || event.reason === "deleted" || event.reason === "restored") {
      p.all = true;
      schedule();
      return;
    }
    let before: Run | undefined;
    for (const [key, data] of queryClient.getQueriesData<RunList>({ queryKey: runsKeys.all(project) })) {
      if (!data || !isRowQuery(project, key)) continue;
      before ??= data.runs.find((r) => r.id === event.runId);
      const patched = patchRunList(data, event);
      if (patched) queryClient.setQueryData(key, patched);
    }
    for (const field of changedFields(before, event)) p.fields.add(field);
    // Leaving the queue sets startedAt, which the event does not carry: refetch the run's pages.
    if (before?.startedAt === null && event.status !== "queued") p.runIds.add(event.runId);
    schedule();
  };

  const onEvent = (event: ProjectEvent) => {
    switch (event.type) {
      case "run":
        if (event.data.project === project) onRunEvent(event.data);
        return;
      case "metrics":
        if (event.data.project !== project) return;
        pending.current.runIds.add(event.data.runId);
        pending.current.fields.add("metrics");
        schedule();
        return;
      case "reset":
        pending.current = emptyPending();
        void queryClient.invalidateQueries({ queryKey: runsKeys.all(project) });
        return;
      case "ready": {
        readyCount.current++;
        if (event.data.resumed) return;
        // Rows loaded before the stream was listening (or during a gap it could not resume) may be stale.
        const since = readyCount.current === 1 ? subscribedAt.current : Number.POSITIVE_INFINITY;
        void queryClient.invalidateQueries({
          queryKey: runsKeys.all(project),
          predicate: (q) =>
            (isRowQuery(project, q.queryKey) || q.queryKey[2] === "groups") && q.state.dataUpdatedAt < since,
        });
        return;
      }
    }
  };

  return useProjectEvents(project, onEvent);
}

/** A clock for live durations: ticks every second while enabled. */
export function useNow(enabled: boolean, everyMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [enabled, everyMs, setNow]);
  return now;
}
