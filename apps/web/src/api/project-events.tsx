import type { ProjectEvent } from "@looplab/core";
import { type LooplabClient, subscribeProjectEvents } from "@looplab/sdk";
import { useCallback, useEffect, useRef, useSyncExternalStore } from "react";
import { useApi } from "./api-context.js";

/**
 * One live event stream per project (`subscribeProjectEvents`, docs/dashboard-api.md), shared by
 * every component that listens to it: the runs table, and the charts once they hook in. The
 * connection opens with the first listener and is aborted (AbortSignal) when the last one leaves —
 * on unmount or when the page switches project — so a project page holds exactly one stream.
 */

export type ProjectEventHandler = (event: ProjectEvent) => void;

export interface ProjectEventsStatus {
  /** `connecting` until the first `ready`, `open` after it, `retrying` after a dropped connection, `failed` for good (e.g. 404). */
  state: "connecting" | "open" | "retrying" | "failed";
  /** The last connection error while `retrying` or `failed`. */
  error: Error | null;
}

interface Hub {
  listeners: Set<ProjectEventHandler>;
  statusListeners: Set<() => void>;
  status: ProjectEventsStatus;
  controller: AbortController;
  closeTimer: ReturnType<typeof setTimeout> | null;
}

const initialStatus: ProjectEventsStatus = { state: "connecting", error: null };
const hubs = new WeakMap<LooplabClient, Map<string, Hub>>();

function setStatus(hub: Hub, status: ProjectEventsStatus): void {
  if (hub.status.state === status.state && hub.status.error === status.error) return;
  hub.status = status;
  for (const notify of hub.statusListeners) notify();
}

function openHub(api: LooplabClient, project: string): Hub {
  const hub: Hub = {
    listeners: new Set(),
    statusListeners: new Set(),
    status: initialStatus,
    controller: new AbortController(),
    closeTimer: null,
  };
  subscribeProjectEvents(api, project, {
    signal: hub.controller.signal,
    onEvent: (event) => {
      if (event.type === "ready") setStatus(hub, { state: "open", error: null });
      for (const listener of [...hub.listeners]) listener(event);
    },
    onError: (error, willRetry) => {
      const err = error instanceof Error ? error : new Error(String(error));
      setStatus(hub, { state: willRetry ? "retrying" : "failed", error: err });
    },
  });
  return hub;
}

/** Takes a reference on the project's stream (opening it if needed); the returned function releases it. */
function acquire(api: LooplabClient, project: string): { hub: Hub; release(): void } {
  let byProject = hubs.get(api);
  if (!byProject) {
    byProject = new Map();
    hubs.set(api, byProject);
  }
  let hub = byProject.get(project);
  if (!hub || hub.controller.signal.aborted) {
    hub = openHub(api, project);
    byProject.set(project, hub);
  }
  if (hub.closeTimer !== null) {
    clearTimeout(hub.closeTimer);
    hub.closeTimer = null;
  }
  const owned = hub;
  const refs = byProject;
  return {
    hub: owned,
    release() {
      if (owned.listeners.size > 0 || owned.statusListeners.size > 0) return;
      // Deferred, so a re-subscribe in the same commit (StrictMode, re-render) keeps the connection.
      owned.closeTimer ??= setTimeout(() => {
        owned.closeTimer = null;
        if (owned.listeners.size > 0 || owned.statusListeners.size > 0) return;
        owned.controller.abort();
        if (refs.get(project) === owned) refs.delete(project);
      }, 0);
    },
  };
}

/**
 * Calls `handler` for every event of the project's live stream (`run`, `metrics`, `reset`,
 * `ready`) while the component is mounted, and returns the stream's connection status. The
 * handler may change between renders without reconnecting. `project` null listens to nothing.
 */
export function useProjectEvents(project: string | null, handler: ProjectEventHandler): ProjectEventsStatus {
  const api = useApi();
  const latest = useRef(handler);
  latest.current = handler;

  useEffect(() => {
    if (project === null) return;
    const listener: ProjectEventHandler = (event) => latest.current(event);
    const { hub, release } = acquire(api, project);
    hub.listeners.add(listener);
    return () => {
      hub.listeners.delete(listener);
      release();
    };
  }, [api, project]);

  const subscribeStatus = useCallback(
    (notify: () => void) => {
      if (project === null) return () => {};
      const { hub, release } = acquire(api, project);
      hub.statusListeners.add(notify);
      return () => {
        hub.statusListeners.delete(notify);
        release();
      };
    },
    [api, project],
  );
  return useSyncExternalStore(subscribeStatus, () =>
    project === null ? initialStatus : (hubs.get(api)?.get(project)?.status ?? initialStatus),
  );
}
