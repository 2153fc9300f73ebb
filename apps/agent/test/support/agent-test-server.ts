import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { AgentHandle } from "../../src/index.js";

export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
export const fakeSmi = fixture("fake-nvidia-smi.mjs");
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface AgentTestServer {
  server: RunningServer;
  client: LooplabClient;
  /** A scratch folder, removed after the file's tests. */
  dir: string;
  /** Agents started by a test: handed back after it. */
  agents: AgentHandle[];
  /** Child processes started by a test: killed after it. */
  children: ChildProcess[];
}

/** A real server with a short lease for one test file, and clean-up of the agents and processes each test starts. */
export function useAgentTestServer(dirPrefix: string, leaseTimeout = "2s"): AgentTestServer {
  const t = { agents: [], children: [] } as unknown as AgentTestServer;
  beforeAll(async () => {
    t.server = await startTestServer({ leaseTimeout });
    t.client = createClient({ url: t.server.url });
    t.dir = mkdtempSync(join(tmpdir(), dirPrefix));
  });
  afterEach(async () => {
    for (const child of t.children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
    await Promise.all(t.agents.splice(0).map((a) => a.stop("handback")));
  });
  afterAll(async () => {
    await t.server?.close();
    if (t.dir) rmSync(t.dir, { recursive: true, force: true });
  });
  return t;
}

/** Polls `fn` every 100 ms until it returns something truthy. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
