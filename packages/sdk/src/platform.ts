import type { CreateRunBody } from "@looplab/core";
import type { FetchLike } from "./client.js";
import type { Run } from "./run.js";
import { type OnSdkEvent, silentReporter } from "./sdk-events.js";
import type { Spool } from "./spool.js";

/** What `init` records about where a run runs (Node: git, command line, host, versions). */
export type RunContext = Pick<CreateRunBody, "git" | "command" | "host" | "environment">;

export interface ContextOptions {
  /** Capture git commit, branch, remote, dirty flag and diff (default true). */
  captureGit: boolean;
  /** Longest uncommitted diff kept, in bytes (default 4 MiB). */
  maxDiffBytes: number;
}

/** Keeps the process alive until a run has flushed on SIGINT/SIGTERM/beforeExit/exit. */
export interface ExitHooks {
  /** Starts watching a run; the returned function stops. */
  track(run: Run): () => void;
}

/**
 * Everything the SDK needs from its runtime. The default entry (browser) uses
 * `browserPlatform`: memory only, no environment, no exit hooks. The `node` entry wires a
 * folder spool, git/host capture and exit hooks.
 */
export interface SdkPlatform {
  env(name: string): string | undefined;
  spool: Spool | undefined;
  captureContext(options: ContextOptions): Promise<RunContext>;
  exitHooks: ExitHooks | undefined;
  /** Where reports go when the user gives no `onError`. */
  defaultOnError: OnSdkEvent;
  /** Server URL when neither the options nor LOOPLAB_URL give one; undefined means required. */
  defaultUrl: string | undefined;
  /** The fetch for upload parts when the options give no `fetch` (Node: node:http, see node-http-fetch.ts). */
  bodyFetch?: FetchLike;
}

export const browserPlatform: SdkPlatform = {
  env: () => undefined,
  spool: undefined,
  captureContext: async () => ({}),
  exitHooks: undefined,
  defaultOnError: silentReporter,
  // Same origin: the dashboard talks to the server that served it.
  defaultUrl: "",
};

/** 32 lowercase hex characters (a uuid4 without dashes), the run id format of DESIGN.md §4. */
export function newRunId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return hex(bytes);
}

/** A short random tag for one logging session (batch ids, spool record names). */
export function newSessionTag(): string {
  const bytes = new Uint8Array(5);
  globalThis.crypto.getRandomValues(bytes);
  return hex(bytes);
}

function hex(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += b.toString(16).padStart(2, "0");
  return text;
}
