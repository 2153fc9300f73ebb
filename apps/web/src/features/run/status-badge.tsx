import type { RunStatus } from "@looplab/core";

/** A run's status as a coloured pill (colours in run.css follow the theme). */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`status-badge status-${status}`}>{status}</span>;
}
