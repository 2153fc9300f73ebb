import { openStore } from "@looplab/server";
import { fmt, note } from "./report.js";

const POINTS_PER_TRANSACTION = 50_000;

/**
 * Seeds `runs` finished runs with `keys.length` long series of `steps` points each, through the
 * store's own code (chunks, rollups and summaries as the server would write them). Returns the
 * run ids. Series are noisy curves with rare spikes, so a downsampling that drops extremes shows.
 */
export async function seedLongSeries(
  dbPath: string,
  opts: { project: string; runs: number; keys: string[]; steps: number },
): Promise<string[]> {
  const store = await openStore(`sqlite:${dbPath}`);
  const projectId = "c".repeat(32);
  await store.projects.create({
    id: projectId,
    name: opts.project,
    description: "",
    createdAt: 0,
    updatedAt: 0,
    deletedAt: null,
  });
  const started = performance.now();
  const runIds: string[] = [];
  for (let r = 0; r < opts.runs; r++) {
    const id = `c${r.toString(16).padStart(31, "0")}`;
    runIds.push(id);
    await store.runs.create({
      id,
      projectId,
      name: `long-${r}`,
      status: "finished",
      origin: "sdk",
      group: null,
      tags: {},
      notes: "",
      config: { seed: r },
      createdAt: 1_700_000_000_000,
      startedAt: 1_700_000_000_000,
      endedAt: 1_700_000_000_000 + opts.steps * 10,
      heartbeatAt: null,
      updatedAt: 1_700_000_000_000,
      deletedAt: null,
      host: null,
      command: null,
      git: null,
      environment: null,
      parentRunId: null,
      resumedFrom: null,
    });
    for (const [k, key] of opts.keys.entries()) {
      for (let from = 0; from < opts.steps; from += POINTS_PER_TRANSACTION) {
        const to = Math.min(opts.steps, from + POINTS_PER_TRANSACTION);
        const points: { key: string; step: number; value: number; time: number }[] = [];
        for (let step = from; step < to; step++) {
          const base = Math.exp(-step / (opts.steps / 4)) * (1 + 0.1 * r) + 0.05 * k;
          const noise = 0.02 * Math.sin(step * 12.9898 + r * 78.233 + k);
          const spike = (step * 7919 + r * 104729 + k) % 25_000 === 0 ? 3 : 0;
          points.push({ key, step, value: base + noise + spike, time: 1_700_000_000_000 + step * 10 });
        }
        await store.transaction((repos) => repos.metrics.append(id, points));
      }
    }
  }
  note(
    `seeded ${opts.runs} runs × ${opts.keys.length} keys × ${fmt(opts.steps)} steps in ${fmt((performance.now() - started) / 1000, 1)} s`,
  );
  await store.close();
  return runIds;
}
