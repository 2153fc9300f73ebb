import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { createFsBlobStore } from "../artifacts/fs-blob-store.js";
import type { BlobStore } from "../ports/blob-store.js";
import { resolveServerConfig } from "../server-config.js";
import type { Clock } from "../services/clock.js";
import { type RunningServer, startServer } from "../start-server.js";
import { freePort } from "./postgres-cluster.js";
import { type StoreFactory, sqliteFactory } from "./test-stores.js";

export interface TestServerOptions {
  /** A database URL; by default a fresh in-memory SQLite database. */
  dbUrl?: string;
  store?: StoreFactory;
  port?: number;
  heartbeatTimeout?: string;
  /** Queue lease duration ("60s" by default). */
  leaseTimeout?: string;
  bodyLimit?: number;
  clock?: Clock;
  /** Serve the built dashboard from this folder (browser tests). */
  webRoot?: string;
  /** The artifact store; by default a fresh temporary folder, removed on close. */
  blobStore?: BlobStore;
  /** Default per-project artifact quota ("10MB" or bytes). */
  artifactQuota?: string | number;
}

/** A real server in this process on a free loopback port. */
export async function startTestServer(options: TestServerOptions = {}): Promise<RunningServer> {
  const db = options.dbUrl ?? (await (options.store ?? sqliteFactory).freshUrl());
  const config = resolveServerConfig(
    {
      host: "127.0.0.1",
      port: options.port ?? 0,
      db,
      heartbeatTimeout: options.heartbeatTimeout ?? "5m",
      ...(options.leaseTimeout ? { leaseTimeout: options.leaseTimeout } : {}),
      ...(options.bodyLimit ? { bodyLimit: options.bodyLimit } : {}),
      ...(options.webRoot ? { webRoot: options.webRoot } : {}),
      ...(options.artifactQuota !== undefined ? { artifactQuota: options.artifactQuota } : {}),
    },
    {},
    undefined,
  );
  const blobDir = options.blobStore ? null : mkdtempSync(join(tmpdir(), "looplab-test-artifacts-"));
  const server = await startServer(config, {
    logger: pino({ level: "silent" }),
    ...(options.clock ? { clock: options.clock } : {}),
    blobStore: options.blobStore ?? createFsBlobStore(blobDir as string),
  });
  if (!blobDir) return server;
  return {
    ...server,
    async close() {
      await server.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}

export const cliBinPath = fileURLToPath(new URL("../../../cli/bin/looplab.js", import.meta.url));

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Sends a signal and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `looplab server` as a child process, for crash tests (SIGKILL) and black-box tests. */
export async function spawnServerProcess(opts: {
  dbUrl: string;
  port?: number;
  env?: Record<string, string>;
  /** Node flags for the child, e.g. ["--cpu-prof"] when profiling a bench. */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const port = opts.port ?? (await freePort());
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), cliBinPath, "server", "--port", String(port), "--db", opts.dbUrl],
    {
      env: { ...process.env, LOOPLAB_LOG_LEVEL: "warn", ...opts.env },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early (${child.exitCode}): ${stderr}`);
    try {
      const res = await fetch(`${url}/api/v1/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server did not become healthy: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    port,
    child,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
