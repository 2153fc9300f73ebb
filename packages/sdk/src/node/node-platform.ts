import type { ExitHooks, SdkPlatform } from "../platform.js";
import type { OnSdkEvent, SdkEventType } from "../sdk-events.js";
import { createExitHooks, type SharedExitHooks } from "./exit-hooks.js";
import { createFileSpool, defaultSpoolDir } from "./file-spool.js";
import { nodeHttpFetch } from "./node-http-fetch.js";
import { captureRunContext } from "./run-context.js";

export interface NodePlatformOptions {
  /** Spool folder (default LOOPLAB_SPOOL_DIR, else ~/.looplab/spool); false: memory only. */
  spoolDir?: string | false;
  /** How long a SIGINT/SIGTERM waits for delivery before spooling the rest, ms (default 5 000). */
  exitFlushTimeoutMs?: number;
}

/** One set of process listeners for the whole process, whatever the number of clients. */
let sharedExitHooks: SharedExitHooks | undefined;

/** Node services: folder spool, git/host capture, exit hooks, stderr warnings. */
export function createNodePlatform(options: NodePlatformOptions = {}): SdkPlatform {
  const spoolDir = options.spoolDir ?? defaultSpoolDir();
  sharedExitHooks ??= createExitHooks();
  const shared = sharedExitHooks;
  const flushTimeoutMs = options.exitFlushTimeoutMs ?? 5000;
  const exitHooks: ExitHooks = { track: (run) => shared.track(run, flushTimeoutMs) };
  return {
    env: (name) => process.env[name],
    spool: spoolDir === false ? undefined : createFileSpool(spoolDir),
    captureContext: captureRunContext,
    exitHooks,
    defaultOnError: stderrReporter(),
    // Where `looplab server` listens by default.
    defaultUrl: "http://127.0.0.1:7373",
    bodyFetch: nodeHttpFetch,
  };
}

/** One line per event on stderr, at most 20 per kind of event. */
export function stderrReporter(write: (line: string) => void = (line) => process.stderr.write(line)): OnSdkEvent {
  const counts = new Map<SdkEventType, number>();
  return (event) => {
    const n = (counts.get(event.type) ?? 0) + 1;
    counts.set(event.type, n);
    if (n > 20) return;
    const run = event.runId === undefined ? "" : ` [run ${event.runId}]`;
    const more = n === 20 ? " (further such messages suppressed)" : "";
    write(`looplab: ${event.type}${run}: ${event.message}${more}\n`);
  };
}
