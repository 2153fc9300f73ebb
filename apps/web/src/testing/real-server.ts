import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type LooplabClient } from "@looplab/sdk";

/**
 * A real `looplab server` (in-memory SQLite) as a child process, for the web tests (jsdom runs
 * in Node). `startTestServer` from @looplab/server/testing cannot load in the jsdom project
 * (Vite's browser transform rewrites its `new URL(…, import.meta.url)`), so the tests talk to the
 * real binary instead — over HTTP, through the SDK, like the dashboard does.
 */
export interface RealServer {
  url: string;
  close(): Promise<void>;
}

const cliBin = resolve(dirname(fileURLToPath(import.meta.url)), "../../../cli/bin/looplab.js");
const HEALTH_TIMEOUT_MS = 60_000;
const ATTEMPTS = 3;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

/** Starts the server and waits until `/api/v1/health` answers; a port taken meanwhile is retried. */
export async function startRealServer(): Promise<RealServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes("EADDRINUSE");
      if (!portTaken || attempt >= ATTEMPTS) throw error;
    }
  }
}

async function startOnce(port: number): Promise<RealServer> {
  const child = spawn(process.execPath, [cliBin, "server", "--port", String(port), "--db", "sqlite::memory:"], {
    env: { ...process.env, LOOPLAB_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  // A test worker that dies without `close()` must not leave a server behind.
  const orphanGuard = () => kill(child, "SIGKILL");
  process.once("exit", orphanGuard);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      process.off("exit", orphanGuard);
      throw new Error(`looplab server exited early (${child.exitCode ?? child.signalCode}): ${stderr}`);
    }
    try {
      if ((await fetch(`${url}/api/v1/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      kill(child, "SIGKILL");
      process.off("exit", orphanGuard);
      throw new Error(`looplab server did not become healthy in ${HEALTH_TIMEOUT_MS} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async close() {
      kill(child, "SIGTERM");
      await exited;
      process.off("exit", orphanGuard);
    },
  };
}

/** One request the client sent, for assertions on what the dashboard asks for. */
export interface RecordedCall {
  method: string;
  path: string;
  body: unknown;
}

/**
 * An SDK client over Node's fetch with no request timeout, recording every request in `calls`.
 * Signals are passed on: Vitest's jsdom environment keeps Node's AbortController, so aborts
 * (a query cancelled, an event stream closed on unmount) reach the connection as in a browser.
 */
export function testClient(url: string, calls: RecordedCall[] = []): LooplabClient {
  return createClient({
    url,
    timeoutMs: 0,
    fetch: (input, init) => {
      const target = new URL(input);
      calls.push({
        method: init.method ?? "GET",
        path: target.pathname + target.search,
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
      });
      return fetch(input, init);
    },
  });
}
