import type { Run } from "@looplab/core";

/** A duration as "2h 05m", "3m 07s" or "12s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** How long a run has run: start to end, or to now (or its last heartbeat) while it is not ended. */
export function runDurationMs(
  run: Pick<Run, "startedAt" | "endedAt" | "heartbeatAt" | "status">,
  now: number,
): number | null {
  if (run.startedAt === null) return null;
  const end = run.endedAt ?? (run.status === "running" ? now : (run.heartbeatAt ?? now));
  return Math.max(0, end - run.startedAt);
}

export function formatTime(ms: number | null): string {
  return ms === null ? "–" : new Date(ms).toLocaleString();
}
