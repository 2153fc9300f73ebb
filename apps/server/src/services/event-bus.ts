import { encodeFloat, type LogsEvent, type MetricsEvent, type RunEvent, type RunEventReason } from "@looplab/core";
import type { RunRecord, Store } from "../ports/store.js";
import type { Clock } from "./clock.js";

/**
 * The in-process bus of live events (docs/dashboard-api.md): services publish run changes and
 * stored metric batches after their transaction commits; the SSE route subscribes per project.
 * Ids increase monotonically (they start at the boot time × 1000, so they also increase across
 * restarts), and the last `ringSize` events are kept so a reconnecting client resumes from its
 * Last-Event-ID, or learns that it cannot (gap) and must refetch.
 */

export type BusEvent =
  | { id: number; project: string; runId: string; type: "run"; data: RunEvent }
  | { id: number; project: string; runId: string; type: "metrics"; data: MetricsEvent }
  | { id: number; project: string; runId: string; type: "logs"; data: LogsEvent };

export type BusListener = (event: BusEvent) => void;

export interface EventBusOptions {
  /** Events kept for reconnects (default 10,000). */
  ringSize?: number;
  /** Metric batches of one run are coalesced into one event per this many ms (default 250). */
  coalesceMs?: number;
  /** Interval of SSE keep-alive comments (default 15 s); read by the route. */
  pingMs?: number;
  /** Error sink for failed lookups (events are best effort; writes never fail because of them). */
  onError?: (error: unknown) => void;
}

export type ReplayResult = { kind: "events"; events: BusEvent[] } | { kind: "reset"; reason: "gap" | "server-restart" };

export type EventBus = ReturnType<typeof createEventBus>;
/** What the run and metric services publish through (after their transactions commit). */
export type RunEvents = Pick<EventBus, "runChanged" | "runsChanged">;
export type MetricEvents = Pick<EventBus, "metricsStored">;
export type LogEvents = Pick<EventBus, "logsStored">;

/** Most runs whose last published key counts are remembered (to send only keys that changed). */
const TRACKED_RUNS = 10_000;

export function createEventBus(store: Store, clock: Clock, options: EventBusOptions = {}) {
  const ringSize = options.ringSize ?? 10_000;
  const coalesceMs = options.coalesceMs ?? 250;
  const onError = options.onError ?? (() => {});
  const bootId = clock.now() * 1000;
  let lastId = bootId;
  const ring: (BusEvent | undefined)[] = new Array(ringSize);
  const subscribers = new Map<string, Set<{ runIds: ReadonlySet<string> | undefined; listener: BusListener }>>();
  const projectNames = new Map<string, string>();
  const runQueues = new Map<string, Promise<void>>();
  const pendingMetrics = new Map<string, string>();
  const sentCounts = new Map<string, Map<string, number>>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let flushing: Promise<void> = Promise.resolve();
  let closed = false;

  function emit(event: Omit<BusEvent, "id">): void {
    if (closed) return;
    lastId += 1;
    const full = { ...event, id: lastId } as BusEvent;
    ring[lastId % ringSize] = full;
    for (const sub of subscribers.get(full.project) ?? []) {
      if (sub.runIds && !sub.runIds.has(full.runId)) continue;
      try {
        sub.listener(full);
      } catch (error) {
        onError(error);
      }
    }
  }

  async function projectName(projectId: string): Promise<string | null> {
    const known = projectNames.get(projectId);
    if (known !== undefined) return known;
    const project = await store.projects.getById(projectId);
    if (!project) return null;
    projectNames.set(projectId, project.name);
    return project.name;
  }

  async function publishRun(run: string | RunRecord, reason: RunEventReason): Promise<void> {
    const record = typeof run === "string" ? await store.runs.get(run) : run;
    if (!record) return;
    const project = await projectName(record.projectId);
    if (project === null) return;
    emit({
      project,
      runId: record.id,
      type: "run",
      data: {
        runId: record.id,
        project,
        reason,
        status: record.status,
        name: record.name,
        tags: record.tags,
        group: record.group,
        updatedAt: record.updatedAt,
        heartbeatAt: record.heartbeatAt,
        endedAt: record.endedAt,
        deletedAt: record.deletedAt,
      },
    });
  }

  async function publishMetrics(runId: string, projectId: string): Promise<void> {
    const project = await projectName(projectId);
    if (project === null) return;
    const series = await store.metrics.listSeries(runId);
    const before = sentCounts.get(runId);
    const counts = new Map(series.map((s) => [s.key, s.count]));
    sentCounts.delete(runId);
    sentCounts.set(runId, counts);
    if (sentCounts.size > TRACKED_RUNS) sentCounts.delete(sentCounts.keys().next().value as string);
    const keys = series
      .filter((s) => before?.get(s.key) !== s.count)
      .map((s) => ({
        key: s.key,
        lastStep: s.lastStep,
        last: s.last === null ? null : encodeFloat(s.last),
        count: s.count,
      }));
    if (keys.length > 0) emit({ project, runId, type: "metrics", data: { runId, project, keys } });
  }

  /** Runs lookups of one run in order, so a later change is never published before an earlier one. */
  function queue(runId: string, task: () => Promise<void>): void {
    const previous = runQueues.get(runId) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch(onError)
      .finally(() => {
        if (runQueues.get(runId) === next) runQueues.delete(runId);
      });
    runQueues.set(runId, next);
  }

  function flushMetrics(): Promise<void> {
    flushTimer = undefined;
    const batch = [...pendingMetrics];
    pendingMetrics.clear();
    for (const [runId, projectId] of batch) queue(runId, () => publishMetrics(runId, projectId));
    flushing = Promise.all(batch.map(([runId]) => runQueues.get(runId))).then(() => {});
    return flushing;
  }

  /** A run was created or changed (call after the transaction committed). */
  function runChanged(run: string | RunRecord, reason: RunEventReason): void {
    if (closed) return;
    const id = typeof run === "string" ? run : run.id;
    queue(id, () => publishRun(run, reason));
  }

  return {
    pingMs: options.pingMs ?? 15_000,
    runChanged,

    runsChanged(runIds: readonly string[], reason: RunEventReason): void {
      for (const id of runIds) runChanged(id, reason);
    },

    /** A metric batch of a run was stored; published once per run per `coalesceMs`. */
    metricsStored(runId: string, projectId: string): void {
      if (closed) return;
      pendingMetrics.set(runId, projectId);
      if (flushTimer === undefined) {
        flushTimer = setTimeout(() => void flushMetrics(), coalesceMs);
        flushTimer.unref?.();
      }
    },

    /** Lines were appended to a run's log (call after the transaction committed). */
    logsStored(runId: string, projectId: string, lastSeq: number): void {
      if (closed) return;
      queue(runId, async () => {
        const project = await projectName(projectId);
        if (project !== null) emit({ project, runId, type: "logs", data: { runId, project, lastSeq } });
      });
    },

    /** Subscribes to a project's events (optionally only some runs); returns the unsubscribe function. */
    subscribe(project: string, runIds: ReadonlySet<string> | undefined, listener: BusListener): () => void {
      let set = subscribers.get(project);
      if (!set) {
        set = new Set();
        subscribers.set(project, set);
      }
      const sub = { runIds, listener };
      set.add(sub);
      return () => {
        const current = subscribers.get(project);
        if (!current) return;
        current.delete(sub);
        if (current.size === 0) subscribers.delete(project);
      };
    },

    /** Events after `afterId` for a project, or why they cannot be given. */
    replay(project: string, runIds: ReadonlySet<string> | undefined, afterId: number): ReplayResult {
      if (!Number.isFinite(afterId) || afterId < bootId || afterId > lastId)
        return { kind: "reset", reason: "server-restart" };
      const oldest = Math.max(bootId + 1, lastId - ringSize + 1);
      if (afterId + 1 < oldest) return { kind: "reset", reason: "gap" };
      const events: BusEvent[] = [];
      for (let id = afterId + 1; id <= lastId; id++) {
        const event = ring[id % ringSize];
        if (!event || event.project !== project) continue;
        if (runIds && !runIds.has(event.runId)) continue;
        events.push(event);
      }
      return { kind: "events", events };
    },

    lastId: () => lastId,

    /** Number of live subscriptions (every open stream holds one). */
    listenerCount(): number {
      let n = 0;
      for (const set of subscribers.values()) n += set.size;
      return n;
    },

    /** Publishes pending metric events now and waits for every queued lookup (tests, shutdown). */
    async settle(): Promise<void> {
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      await flushMetrics();
      await flushing;
      await Promise.all([...runQueues.values()]);
    },

    close(): void {
      closed = true;
      if (flushTimer !== undefined) clearTimeout(flushTimer);
      flushTimer = undefined;
      pendingMetrics.clear();
      subscribers.clear();
    },
  };
}
