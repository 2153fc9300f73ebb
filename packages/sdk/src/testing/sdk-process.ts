import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const fixture = fileURLToPath(new URL("./logging-process.ts", import.meta.url));

export interface SdkProcess {
  child: ChildProcess;
  /** Resolves with the run id the script printed. */
  runId: Promise<string>;
  /** Resolves once a stdout line matching `pattern` appeared. */
  waitFor(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Runs `logging-process.ts` as a separate Node process (its own SDK, spool and exit hooks). */
export function startSdkProcess(env: Record<string, string>): SdkProcess {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners: (() => void)[] = [];
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const l of listeners.slice()) l();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const waitFor = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stdout);
        if (match) {
          listeners.splice(listeners.indexOf(check), 1);
          resolve(match[0]);
        }
      };
      listeners.push(check);
      check();
      void exited.then((e) => reject(new Error(`process exited before ${pattern}: ${e.stderr}`)));
    });
  const runId = waitFor(/run ([0-9a-f]{32})/).then((line) => line.slice(4));
  return { child, runId, waitFor, exited };
}
