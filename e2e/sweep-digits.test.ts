import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSklearnPython } from "./support/python-env.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const example = join(root, "examples", "sweep-digits");
const looplab = join(root, "apps", "cli", "bin", "looplab.js");

/**
 * The example of examples/sweep-digits, end to end with real processes: a server, two
 * `looplab agent` processes with one CPU slot each, `looplab sweep create sweep.yaml`, and
 * scikit-learn training jobs that report through JSON lines. Every trial must end tracked with
 * its config, its metric curves and its console output.
 */
describe("example: a Bayesian sweep of scikit-learn digits by two local agents", () => {
  let server: RunningServer;
  let client: LooplabClient;
  let pythonBin: string;
  const agents: ChildProcess[] = [];
  const agentOutput: string[] = [];

  beforeAll(async () => {
    pythonBin = ensureSklearnPython();
    server = await startTestServer({});
    client = createClient({ url: server.url });
    for (const name of ["a1", "a2"]) {
      const agent = spawn(process.execPath, [looplab, "agent", "--url", server.url, "--name", name, "--cpus", "1"], {
        cwd: example,
        env: { ...process.env, PATH: `${pythonBin}:${process.env.PATH ?? ""}`, LOOPLAB_NVIDIA_SMI: "/nonexistent" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      agent.stdout?.on("data", (d: Buffer) => agentOutput.push(`[${name}] ${d}`));
      agent.stderr?.on("data", (d: Buffer) => agentOutput.push(`[${name}] ${d}`));
      agents.push(agent);
    }
  }, 600_000);

  afterAll(async () => {
    for (const agent of agents) {
      if (agent.exitCode !== null) continue;
      const exited = new Promise((resolve) => agent.once("exit", resolve));
      agent.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      agent.kill("SIGKILL");
    }
    await server?.close();
  });

  it("runs the whole budget, two trials at a time, each tracked with config, metrics and logs", async () => {
    const created = await runCli(["sweep", "create", join(example, "sweep.yaml"), "--url", server.url, "--json"]);
    expect(created.code, created.stderr).toBe(0);
    const sweepId = JSON.parse(created.stdout).id as string;

    let sweep = await client.call("getSweep", { params: { sweepId } });
    let maxActive = 0;
    const deadline = Date.now() + 240_000;
    while (sweep.state === "running") {
      if (Date.now() > deadline) throw new Error(`sweep not done after 4 min:\n${agentOutput.join("")}`);
      await new Promise((r) => setTimeout(r, 500));
      sweep = await client.call("getSweep", { params: { sweepId } });
      maxActive = Math.max(maxActive, sweep.counts.running ?? 0);
    }
    expect(sweep.state).toBe("finished");
    expect(sweep.trials).toBe(8);
    expect(maxActive).toBeLessThanOrEqual(2);

    const { trials } = await client.call("listSweepTrials", { params: { sweepId }, query: { limit: 100 } });
    expect(trials.map((t) => t.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const trial of trials) {
      expect(["finished", "pruned"]).toContain(trial.status);
      const run = await client.getRun(trial.runId);
      // The run's config is the defaults with the trial's sampled values at their dotted paths.
      expect(run.config).toMatchObject({ epochs: 8, lr: trial.params.lr, alpha: trial.params.alpha });
      expect((run.config.model as Record<string, unknown>).width).toBe(trial.params["model.width"]);
      const valAcc = run.metrics["val/acc"];
      expect(valAcc?.count, `val/acc of trial ${trial.number}`).toBeGreaterThanOrEqual(
        trial.status === "pruned" ? 2 : 8,
      );
      const logs = await client.call("readLogs", { params: { runId: trial.runId }, query: { limit: 1000 } });
      expect(logs.lines.some((l) => /^epoch 1\/8/.test(l.text))).toBe(true);
      expect(logs.lines.some((l) => l.stream === "stderr" && l.text.startsWith("done in"))).toBe(
        trial.status === "finished",
      );
    }
    // Eight epochs of a small MLP reach well above chance (10 %) on digits.
    expect(sweep.best?.value).toBeGreaterThan(0.9);
  }, 300_000);
});

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [looplab, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d;
  });
  const code = await new Promise<number>((resolve) => child.once("close", (c) => resolve(c ?? 1)));
  return { code, stdout, stderr };
}
