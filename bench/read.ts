import { getJson, postJson, startBenchServer } from "./bench-server.js";
import { fmt, median, note, percentile, record } from "./report.js";

const BATCH = 10_000;

async function seedSeries(base: string, runId: string, points: number): Promise<void> {
  const writers = 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (;;) {
        const start = next;
        next += BATCH;
        if (start >= points) return;
        const batch = [];
        for (let step = start; step < Math.min(points, start + BATCH); step++) {
          const spike = step % 99_991 === 0 ? 50 : 0;
          batch.push({
            key: "loss",
            step,
            value: Math.exp(-step / points) + Math.sin(step) * 0.01 + spike,
            time: step,
          });
        }
        const res = await postJson(`${base}/api/v1/runs/${runId}/metrics`, JSON.stringify({ points: batch }));
        if (res.status !== 200) throw new Error(JSON.stringify(res.json));
      }
    }),
  );
}

async function windowTimes(base: string, runId: string, length: number): Promise<{ full: number[]; zoomed: number[] }> {
  const full: number[] = [];
  const zoomed: number[] = [];
  for (let i = 0; i < 25; i++) {
    const res = await getJson(`${base}/api/v1/runs/${runId}/metrics/window?key=loss&buckets=1000`);
    if (res.json.buckets.length === 0 || res.json.totalPoints !== length)
      throw new Error("window read returned the wrong series");
    full.push(res.serverMs);
    const a = Math.floor(Math.random() * length * 0.8);
    const b = a + Math.floor(length * 0.1) + 1;
    zoomed.push(
      (await getJson(`${base}/api/v1/runs/${runId}/metrics/window?key=loss&buckets=1000&startStep=${a}&endStep=${b}`))
        .serverMs,
    );
  }
  return { full, zoomed };
}

export async function benchRead(): Promise<void> {
  const bench = await startBenchServer();
  try {
    const base = bench.server.url;
    const results: Record<string, { full: number[]; zoomed: number[] }> = {};
    for (const length of [1_000_000, 10_000_000]) {
      const runId = (
        await postJson(`${base}/api/v1/runs`, JSON.stringify({ project: "bench-read", name: `len-${length}` }))
      ).json.id;
      const started = performance.now();
      await seedSeries(base, runId, length);
      note(`seeded ${fmt(length)} points in ${fmt((performance.now() - started) / 1000, 1)} s`);
      results[length] = await windowTimes(base, runId, length);
    }
    const m1 = median(results[1_000_000]?.full ?? []);
    const m10 = median(results[10_000_000]?.full ?? []);
    for (const [length, r] of Object.entries(results)) {
      const full = median(r.full);
      record({
        name: `downsampled read, 1,000 buckets of a ${fmt(Number(length))}-point series`,
        value: `median ${full.toFixed(2)} ms, p95 ${percentile(r.full, 95).toFixed(2)} ms server time; random 10% windows median ${median(r.zoomed).toFixed(2)} ms`,
        judgedBy: "target ≤ 20 ms server time (no response cache)",
        pass: full <= 20,
      });
    }
    record({
      name: "read cost vs length (10M ÷ 1M)",
      value: `${(m10 / m1).toFixed(2)}×`,
      judgedBy: "target ≤ 2×",
      pass: m10 <= 2 * m1,
    });
  } finally {
    await bench.stop();
  }
}
