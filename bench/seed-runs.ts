import { openStore } from "@looplab/server";
import { fmt, note } from "./report.js";

const PER_TRANSACTION = 1_000;

/** Seeds through the store's own code (runs, config rows, metric points and summaries). */
export async function seedRuns(dbPath: string, opts: { project: string; runs: number }): Promise<void> {
  const total = opts.runs;
  const store = await openStore(`sqlite:${dbPath}`);
  const projectId = "b".repeat(32);
  await store.projects.create({
    id: projectId,
    name: opts.project,
    description: "",
    createdAt: 0,
    updatedAt: 0,
    deletedAt: null,
  });
  await store.projects.putMetricDefinition(projectId, { key: "val/acc", goal: "max" });
  let n = 0;
  const started = performance.now();
  while (n < total) {
    await store.transaction(async (repos) => {
      for (let i = 0; i < PER_TRANSACTION && n < total; i++, n++) {
        const id = n.toString(16).padStart(32, "0");
        const lr = 10 ** (-5 + (4 * ((n * 7919) % 1000)) / 1000);
        await repos.runs.create({
          id,
          projectId,
          name: `run-${n}`,
          status: n % 10 === 0 ? "running" : "finished",
          origin: "sdk",
          group: `sweep-${n % 50}`,
          tags: n % 3 === 0 ? { baseline: "" } : { model: n % 2 ? "resnet" : "vit" },
          notes: "",
          config: {
            lr,
            model: { width: [128, 256, 512][n % 3], depth: 1 + (n % 4) },
            optimizer: n % 2 ? "adam" : "sgd",
          },
          createdAt: 1_700_000_000_000 + n,
          startedAt: 1_700_000_000_000 + n,
          endedAt: null,
          heartbeatAt: null,
          updatedAt: 1_700_000_000_000 + n,
          deletedAt: null,
          host: "gpu-1",
          command: null,
          git: null,
          environment: null,
          parentRunId: null,
          resumedFrom: null,
        });
        const acc = 0.5 + 0.5 * Math.abs(Math.sin(n));
        await repos.metrics.append(id, [
          { key: "val/acc", step: 0, value: acc * 0.8, time: 1 },
          { key: "val/acc", step: 1, value: acc, time: 2 },
          { key: "train/loss", step: 0, value: 1 - acc, time: 1 },
        ]);
      }
    });
  }
  note(`seeded ${fmt(total)} runs in ${fmt((performance.now() - started) / 1000, 1)} s`);
  await store.close();
}
