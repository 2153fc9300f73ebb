import type { JobState } from "@looplab/core";

/** The state tabs of the queue page and the job states each shows. */
export const jobTabs = [
  { id: "waiting", label: "Queued", states: ["queued"] },
  { id: "active", label: "Running", states: ["leased", "running"] },
  { id: "done", label: "Finished", states: ["succeeded", "failed", "cancelled"] },
] as const satisfies readonly { id: string; label: string; states: readonly JobState[] }[];
export type JobTabId = (typeof jobTabs)[number]["id"];

export function isJobTab(value: string | null): value is JobTabId {
  return jobTabs.some((tab) => tab.id === value);
}

export const canCancel = (state: JobState) => state === "queued" || state === "leased" || state === "running";
export const canRequeue = (state: JobState) => state === "failed" || state === "cancelled";

/** argv as one line, quoting arguments with spaces or quotes so that it reads like a shell command. */
export function commandText(argv: readonly string[]): string {
  return argv
    .map((arg) => (arg === "" || /[\s"'\\$`]/.test(arg) ? `'${arg.replaceAll("'", `'\\''`)}'` : arg))
    .join(" ");
}

/** "3 s ago", "5 min ago", "2 h ago". */
export function ago(time: number, now: number): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** GPU memory as "3.1 / 40.0 GiB". */
export function gpuMemory(usedMiB: number, totalMiB: number): string {
  return `${(usedMiB / 1024).toFixed(1)} / ${(totalMiB / 1024).toFixed(1)} GiB`;
}
