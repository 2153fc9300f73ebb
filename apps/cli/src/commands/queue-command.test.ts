// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { createClient, type LooplabClient } from "@looplab/sdk";
import { type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../testing/run-cli.js";

describe("looplab run, queue, jobs and agents commands", () => {
  let server: RunningServer;
  let client: LooplabClient;
  const cli = (...args: string[]) => runCli(["--url", server.url, ...args]);

  beforeAll(async () => {
    server = await startTestServer();
    client = createClient({ url: server.url });
  });
  afterAll(() => server.close());

  it("queues a grid with the command after -- passed as written", async () => {
    const res = await cli(
      "run",
      "--project",
      "cliq",
      "--queue",
      "gpu",
      "--gpus",
      "1",
      "--priority",
      "5",
      "--name",
      "lr",
      "--set",
      "lr=0.1,0.01",
      "--set",
      "model.depth=3",
      "--json",
      "--",
      "python",
      "train.py",
      "--config",
      "${config_file}",
      "--flag",
    );
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const jobs = JSON.parse(res.stdout);
    expect(jobs).toHaveLength(2);
    expect(jobs[0]).toMatchObject({
      queue: "gpu",
      priority: 5,
      resources: { gpus: 1, cpus: 1 },
      command: ["python", "train.py", "--config", "${config_file}", "--flag"],
      config: { lr: 0.1, model: { depth: 3 } },
    });
    const run = await client.getRun(jobs[1].runId);
    expect(run).toMatchObject({ name: "lr-2", status: "queued", config: { lr: 0.01, model: { depth: 3 } } });

    const plain = await cli("run", "--project", "cliq", "--", "echo", "hi");
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^JOB\s+RUN\s+CONFIG/);
    expect(plain.stderr).toContain("queued 1 job on queue 'default'");
  });

  it("refuses bad overrides and missing projects with exit code 2", async () => {
    const bad = await cli("run", "--project", "cliq", "--set", "lr", "--", "echo");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("lr");
    const noProject = await cli("run", "--", "echo");
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("--project");
    expect((await cli("run", "--project", "cliq", "--gpus", "x", "--", "echo")).code).toBe(2);
  });

  it("lists jobs and queue counts, as a table and as JSON", async () => {
    const table = await cli("queue", "ls", "--queue", "gpu");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/JOB\s+STATE\s+QUEUE/);
    expect(table.stdout).toMatch(/gpu\s+none\s+2\s+0/);
    const json = JSON.parse((await cli("queue", "ls", "--state", "queued", "--json")).stdout);
    expect(json.jobs.length).toBeGreaterThanOrEqual(3);
    expect(json.queues.map((q: { name: string }) => q.name).sort()).toEqual(["default", "gpu"]);
    const bad = await cli("queue", "ls", "--state", "sleeping");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("sleeping");
    expect((await cli("queue", "ls", "--queue", "nope")).code).toBe(4);
  });

  it("sets queue limits", async () => {
    const set = await cli("queue", "limit", "gpu", "2");
    expect(set.code).toBe(0);
    expect(set.stderr).toContain("at most 2");
    expect((await client.call("listQueues", {})).queues.find((q) => q.name === "gpu")?.concurrencyLimit).toBe(2);
    expect((await cli("queue", "limit", "gpu", "none")).stderr).toContain("no limit");
    expect((await cli("queue", "limit", "gpu", "0")).code).toBe(2);
  });

  it("reprioritises, cancels and requeues jobs", async () => {
    const { jobs } = await client.call("enqueueJobs", { body: { project: "cliq", command: "echo x", queue: "ops" } });
    const id = (jobs[0] as { id: string }).id;
    const prio = await cli("jobs", "priority", id, "-3", "--json");
    expect(prio.code).toBe(0);
    expect(JSON.parse(prio.stdout).priority).toBe(-3);
    const cancel = await cli("jobs", "cancel", id);
    expect(cancel.stderr).toContain("cancelled");
    expect((await cli("jobs", "cancel", id)).code).toBe(2);
    expect((await cli("jobs", "priority", id, "1")).code).toBe(2);
    const requeue = await cli("jobs", "requeue", id);
    expect(requeue.code).toBe(0);
    expect(requeue.stderr).toContain("queued again");
    expect((await cli("jobs", "cancel", "nope")).code).toBe(2);
    expect((await cli("jobs", "cancel", "f".repeat(32))).code).toBe(4);
  });

  it("lists agents with the jobs they hold", async () => {
    expect((await cli("agents", "ls")).stderr).toContain("no agents");
    const { agent } = await client.call("registerAgent", {
      body: {
        name: "box",
        host: "box1",
        queues: ["gpu"],
        gpus: [{ index: 0, uuid: "G0", name: "A100", memoryTotalMiB: 1, memoryUsedMiB: 0, utilizationPercent: 7 }],
        cpuSlots: 2,
      },
    });
    await client.call("claimJob", { params: { agentId: agent.id }, body: { freeGpus: [0], freeCpuSlots: 0 } });
    const table = await cli("agents", "ls");
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/box\s+box1\s+online\s+gpu\s+0:7%\s+[0-9a-f]{8}@0/);
    const json = JSON.parse((await cli("agents", "ls", "--json")).stdout);
    expect(json[0].jobs).toHaveLength(1);
  });
});
