import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { getJson, postJson, startBenchServer } from "./bench-server.js";
import { fmt, note, record } from "./report.js";

const TOTAL_POINTS = 2_000_000;
const BATCH = 1_000;
const WRITERS = 16;
const KEYS = ["train/loss", "train/acc", "val/loss", "val/acc", "lr"];

/** The reference: one row per point through a prepared statement, 1,000 rows per transaction. */
function rawSqliteRate(): number {
  const dir = mkdtempSync(join(tmpdir(), "looplab-raw-"));
  const db = new BetterSqlite3(join(dir, "raw.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(
    "create table points (run_id text not null, key text not null, step real not null, value real, time integer not null)",
  );
  const insert = db.prepare("insert into points values (?, ?, ?, ?, ?)");
  const insertBatch = db.transaction((base: number) => {
    for (let i = 0; i < BATCH; i++) {
      const n = base + i;
      insert.run(
        `run-${n % WRITERS}`,
        KEYS[n % KEYS.length],
        Math.floor(n / KEYS.length),
        Math.sin(n),
        1_700_000_000_000 + n,
      );
    }
  });
  const started = performance.now();
  for (let base = 0; base < TOTAL_POINTS; base += BATCH) insertBatch(base);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return TOTAL_POINTS / seconds;
}

/** A batch as the SDK sends it: columnar, one entry per key (docs/api.md, "Logging metrics"). */
function batchBody(writer: number, batchIndex: number): string {
  const stepsPerBatch = BATCH / KEYS.length;
  const firstStep = batchIndex * stepsPerBatch;
  const series = KEYS.map((key) => {
    const steps: number[] = [];
    const values: number[] = [];
    const times: number[] = [];
    for (let s = 0; s < stepsPerBatch; s++) {
      const step = firstStep + s;
      steps.push(step);
      values.push(Math.sin(step * 0.001 + writer) + Math.random() * 1e-3);
      times.push(1_700_000_000_000 + step);
    }
    return { key, steps, values, times };
  });
  return JSON.stringify({ batchId: `w${writer}-b${batchIndex}`, series });
}

export async function benchIngest(): Promise<void> {
  note(`raw better-sqlite3: ${fmt(TOTAL_POINTS)} rows, one per point, ${BATCH} per transaction`);
  const raw = rawSqliteRate();
  const bench = await startBenchServer();
  try {
    const base = bench.server.url;
    const runIds: string[] = [];
    for (let w = 0; w < WRITERS; w++) {
      runIds.push(
        (await postJson(`${base}/api/v1/runs`, JSON.stringify({ project: "bench-ingest", name: `w${w}` }))).json.id,
      );
    }
    const batchesPerWriter = TOTAL_POINTS / BATCH / WRITERS;
    const bodies = runIds.map((_, w) => Array.from({ length: batchesPerWriter }, (_, b) => batchBody(w, b)));
    note(`HTTP: ${WRITERS} writers × ${batchesPerWriter} distinct batches of ${BATCH} points`);
    const started = performance.now();
    await Promise.all(
      runIds.map(async (runId, w) => {
        for (const body of bodies[w] ?? []) {
          const res = await postJson(`${base}/api/v1/runs/${runId}/metrics`, body);
          if (res.status !== 200 || res.json.stored !== BATCH)
            throw new Error(`batch refused: ${JSON.stringify(res.json)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    let stored = 0;
    for (const runId of runIds) {
      const series = (await getJson(`${base}/api/v1/runs/${runId}/metrics`)).json.series as { count: number }[];
      stored += series.reduce((sum, s) => sum + s.count, 0);
    }
    if (stored !== TOTAL_POINTS) throw new Error(`stored ${stored} points, expected ${TOTAL_POINTS}`);
    const rate = TOTAL_POINTS / seconds;
    record({
      name: "HTTP ingest (native API, 16 writers, columnar batches of 1,000)",
      value: `${fmt(rate)} points/s; raw better-sqlite3 ${fmt(raw)} rows/s; ratio ${(rate / raw).toFixed(2)}`,
      judgedBy: "target ratio ≥ 0.5 of raw insert rate; stored count asserted",
      pass: rate / raw >= 0.5,
    });
  } finally {
    await bench.stop();
  }
}
