import { spawn } from "node:child_process";
import { cliBinPath } from "@looplab/server/testing";

export interface SeedArgs {
  project: string;
  runs: number;
  steps: number;
  running?: number;
  seed?: number;
}

export interface SeedSummary {
  project: string;
  runs: number;
  running: number;
  points: number;
  seconds: number;
}

/**
 * Fills a project with the real seed command, `looplab dev seed --json`, run as a child process
 * against `url` (the same command users run for demos and benchmarks).
 */
export function seedProject(url: string, args: SeedArgs): Promise<SeedSummary> {
  const argv = [
    cliBinPath,
    "dev",
    "seed",
    "--url",
    url,
    "--project",
    args.project,
    "--runs",
    String(args.runs),
    "--steps",
    String(args.steps),
    "--running",
    String(args.running ?? 0),
    "--seed",
    String(args.seed ?? 1),
    "--json",
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`looplab dev seed exited with ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out) as SeedSummary);
      } catch {
        reject(new Error(`looplab dev seed printed no JSON summary: ${out.trim()} ${err.trim()}`));
      }
    });
  });
}
