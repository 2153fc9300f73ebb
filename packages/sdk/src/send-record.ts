import type { LooplabClient } from "./client.js";
import { isApiError } from "./client-errors.js";
import type { SpoolRoute } from "./spool.js";

/**
 * Sends one outbox record. A run the server marked `crashed` (its heartbeat stopped while the
 * server was unreachable) is alive after all when its records arrive: a refused status change
 * from `crashed` first resumes the run, then is sent again. Runs stopped by a person (`killed`)
 * or a sweep (`pruned`) stay stopped.
 */
export async function sendRecord(client: LooplabClient, runId: string, route: SpoolRoute, body: string): Promise<void> {
  if (route === "createRun") {
    await client.callWithBodyText("createRun", undefined, body);
    return;
  }
  const params = { runId };
  try {
    await client.callWithBodyText(route, params, body);
  } catch (error) {
    if (route !== "updateRun" || !wasCrashed(error)) throw error;
    await client.updateRun(runId, { status: "running", resume: true });
    await client.callWithBodyText(route, params, body);
  }
}

/** A 409 whose details say the run is `crashed` (refused transition or heartbeat). */
export function wasCrashed(error: unknown): boolean {
  if (!isApiError(error) || error.code !== "FAILED_PRECONDITION") return false;
  const details = error.details as { from?: unknown; status?: unknown } | undefined;
  return details?.from === "crashed" || details?.status === "crashed";
}
