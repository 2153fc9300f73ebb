import type { LogLine } from "@looplab/core";
import type { CallOutput, LooplabClient } from "@looplab/sdk";
import { useCallback, useEffect, useRef, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { useProjectEvents } from "../../api/project-events.js";

/** Lines shown when the tab opens (the end of the log). */
export const TAIL_LINES = 500;
/** Lines fetched by one "Load earlier". */
export const EARLIER_PAGE = 500;
/** While the run is running and the page is visible, new lines are asked for this often. */
export const POLL_MS = 1_500;
const FORWARD_PAGE = 1_000;

export interface RunLogsView {
  lines: LogLine[];
  loaded: boolean;
  error: string | null;
  /** Lines exist before the first loaded one. */
  hasEarlier: boolean;
  loadingEarlier: boolean;
  loadEarlier(): void;
}

/** Appends lines after the last one held (a poll may overlap a previous answer). */
function appendLines(held: LogLine[], more: LogLine[]): LogLine[] {
  const last = held.at(-1)?.seq ?? 0;
  const fresh = more.filter((l) => l.seq > last);
  return fresh.length === 0 ? held : [...held, ...fresh];
}

/**
 * A run's console log for the Logs tab: its last lines first, then (while `live`) new lines
 * polled after the last sequence number every POLL_MS while the page is visible, and at once on
 * the project's `logs` event for this run. Earlier lines load page by page: sequence numbers
 * are gap-free, so the page before seq N is `after = N - 1 - EARLIER_PAGE`.
 */
export function useRunLogs(runId: string, project: string, live: boolean): RunLogsView {
  const api = useApi();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loadingEarlier, setLoadingEarlier] = useState(false);
  const cursor = useRef<number | null>(null);
  const polling = useRef(false);

  useEffect(() => {
    const controller = new AbortController();
    cursor.current = null;
    setLines([]);
    setLoaded(false);
    setError(null);
    api
      .call("readLogs", { params: { runId }, query: { tail: TAIL_LINES }, signal: controller.signal })
      .then((page) => {
        cursor.current = page.nextAfter;
        setLines(page.lines);
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
      });
    return () => controller.abort();
  }, [api, runId]);

  const poll = useCallback(async () => {
    if (polling.current || cursor.current === null) return;
    polling.current = true;
    try {
      for (;;) {
        const after: number = cursor.current;
        const page: CallOutput<"readLogs"> = await api.call("readLogs", {
          params: { runId },
          query: { after, limit: FORWARD_PAGE },
        });
        if (cursor.current !== after) break;
        cursor.current = page.nextAfter;
        if (page.lines.length > 0) setLines((held) => appendLines(held, page.lines));
        if (!page.hasMore) break;
      }
      setError(null);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      polling.current = false;
    }
  }, [api, runId]);

  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      if (document.visibilityState !== "hidden") void poll();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [live, poll]);

  // The run just ended: its last lines.
  useEffect(() => {
    if (!live && loaded) void poll();
  }, [live, loaded, poll]);

  useProjectEvents(live ? project : null, (event) => {
    if (event.type === "logs" && event.data.runId === runId) void poll();
  });

  const first = lines[0]?.seq ?? 1;
  const loadEarlier = useCallback(() => {
    if (first <= 1 || loadingEarlier) return;
    const after = Math.max(0, first - 1 - EARLIER_PAGE);
    setLoadingEarlier(true);
    api
      .call("readLogs", { params: { runId }, query: { after, limit: first - 1 - after } })
      .then((page) => setLines((held) => [...page.lines.filter((l) => l.seq < (held[0]?.seq ?? 1)), ...held]))
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setLoadingEarlier(false));
  }, [api, runId, first, loadingEarlier]);

  return { lines, loaded, error, hasEarlier: loaded && first > 1, loadingEarlier, loadEarlier };
}

/** The whole log as text (every page; stderr lines marked), for "Download". */
export async function fetchAllLogText(api: LooplabClient, runId: string): Promise<string> {
  const parts: string[] = [];
  let after = 0;
  for (;;) {
    const page = await api.call("readLogs", { params: { runId }, query: { after, limit: 10_000 } });
    for (const line of page.lines) parts.push(line.stream === "stderr" ? `[stderr] ${line.text}` : line.text);
    after = page.nextAfter;
    if (!page.hasMore) break;
  }
  return parts.length === 0 ? "" : `${parts.join("\n")}\n`;
}
