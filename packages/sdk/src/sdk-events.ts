/**
 * Everything the SDK wants to tell its user without throwing into a training loop: delivery
 * problems, dropped input, spool trouble. Passed to `onError`; the default is silent in the
 * browser and a one-line warning on stderr in Node.
 */
export type SdkEventType =
  /** The server stopped answering; records now wait (and go to the spool where there is one). */
  | "offline"
  /** The server answers again; waiting records are being delivered. */
  | "online"
  /** The server refused a record for good (4xx); spooled records are kept aside in `rejected/`. */
  | "rejected"
  /** Points that could not be kept: memory cap reached with no spool, or a refused batch without a spool. */
  | "dropped"
  /** A `log` call got a key or value that is not a metric (skipped). */
  | "invalid-metric"
  /** `log` or an update on a run that has finished (ignored). */
  | "run-closed"
  /** Reading or writing the spool failed. */
  | "spool-error"
  | "heartbeat-failed"
  /** An artifact upload, lineage record or code snapshot failed (also in `finish()`'s result). */
  | "artifact-failed";

export interface SdkEvent {
  type: SdkEventType;
  message: string;
  runId?: string;
  /** Points concerned, where known. */
  points?: number;
  error?: unknown;
}

export type OnSdkEvent = (event: SdkEvent) => void;

/** Calls the user's hook; a hook that throws must not break delivery. */
export function safeReporter(hook: OnSdkEvent): OnSdkEvent {
  return (event) => {
    try {
      hook(event);
    } catch {
      // The hook is the user's; its failure is not ours to surface.
    }
  };
}

export const silentReporter: OnSdkEvent = () => {};
