/**
 * Deterministic demo data for `looplab dev seed`: every run's id, config, tags, status and
 * metric curves follow from (seed, project, run index) alone, so a seed reproduces the same
 * project whatever the order or parallelism of the requests.
 */

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    logUniform: (min: number, max: number) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    /** Standard normal (Box–Muller). */
    normal: () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()),
  };
}
export type Random = ReturnType<typeof createRandom>;

/** FNV-1a of a string, for deriving per-run seeds. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const seedMetricGoals = { "train/loss": "min", "val/loss": "min", "val/acc": "max" } as const;

const models = [
  { name: "resnet", family: "conv", widths: [64, 128, 256], depths: [18, 34, 50] },
  { name: "convnext", family: "conv", widths: [96, 128, 192], depths: [12, 18, 24] },
  { name: "vit", family: "transformer", widths: [192, 384, 768], depths: [6, 12] },
  { name: "mlp", family: "mlp", widths: [256, 512, 1024], depths: [2, 3, 4] },
] as const;
const optimizers = ["adam", "adamw", "sgd"] as const;
const teams = ["vision", "research", "platform"] as const;

export type SeedStatus = "running" | "finished" | "failed";

export interface SeedRunPlan {
  index: number;
  id: string;
  name: string;
  group: string;
  tags: Record<string, string>;
  config: Record<string, unknown>;
  /** Final status; `running` runs are left running. */
  status: SeedStatus;
  /** Steps to log (a failed run stops early). */
  steps: number;
  /** Wall time of step 0 (epoch ms) and ms per step. */
  startTime: number;
  stepMs: number;
  /** Every `evalEvery` steps the validation metrics are logged. */
  evalEvery: number;
  curve: { floor: number; init: number; tau: number; noise: number; gap: number; spikeRate: number; seed: number };
  lr: number;
}

export interface SeedPlanOptions {
  seed: number;
  project: string;
  runs: number;
  steps: number;
  running: number;
  /** Fixed start of the demo timeline (epoch ms), so wall times are deterministic too. */
  epoch?: number;
}

const DEFAULT_EPOCH = Date.UTC(2026, 0, 1);

/** The plan of run `index` (0-based); the last `running` runs stay running. */
export function planRun(options: SeedPlanOptions, index: number): SeedRunPlan {
  const rnd = createRandom(hash32(`${options.seed}:${options.project}:${index}`));
  const idRandom = createRandom(hash32(`id:${options.seed}:${options.project}:${index}`));
  const id = Array.from({ length: 4 }, () =>
    Math.floor(idRandom.next() * 2 ** 32)
      .toString(16)
      .padStart(8, "0"),
  ).join("");
  const model = rnd.pick(models);
  const width = rnd.pick(model.widths);
  const depth = rnd.pick(model.depths);
  const optimizer = rnd.pick(optimizers);
  const lr = rnd.logUniform(1e-5, 1e-1);
  const batchSize = rnd.pick([32, 64, 128, 256] as const);
  const trainSeed = rnd.int(0, 9999);
  const dropout = Math.round(rnd.next() * 5) / 10;
  const running = index >= options.runs - options.running;
  const failed = !running && rnd.next() < 0.1;
  const status: SeedStatus = running ? "running" : failed ? "failed" : "finished";
  const steps = failed ? Math.max(1, Math.floor(options.steps * (0.1 + 0.6 * rnd.next()))) : options.steps;
  // Quality: a learning rate near 3e-3 and more capacity give a lower floor.
  const lrPenalty = Math.abs(Math.log10(lr) - Math.log10(3e-3)) * 0.25;
  const capacity = Math.log2(width * depth) / 14;
  const floor = Math.max(0.02, 0.6 - capacity * 0.4 + lrPenalty + rnd.normal() * 0.03);
  const tags: Record<string, string> = { team: rnd.pick(teams), sweep: `sweep-${1 + (index % 5)}` };
  if (rnd.next() < 0.05) tags.baseline = "";
  if (failed) tags.oom = "";
  return {
    index,
    id,
    name: `${model.name}-${width}x${depth}-${String(index).padStart(5, "0")}`,
    group: model.name,
    tags,
    config: {
      model: { name: model.name, family: model.family, width, depth, dropout },
      optimizer: { name: optimizer, lr, weight_decay: optimizer === "sgd" ? 0 : 0.01 },
      data: { batch_size: batchSize, augment: rnd.next() < 0.5 },
      seed: trainSeed,
      epochs: Math.max(1, Math.round(options.steps / 100)),
    },
    status,
    steps,
    startTime: (options.epoch ?? DEFAULT_EPOCH) + index * 60_000,
    stepMs: 50 + rnd.int(0, 200),
    evalEvery: Math.max(1, Math.floor(options.steps / 200)),
    curve: {
      floor,
      init: 2.3 + rnd.normal() * 0.1,
      tau: Math.max(1, options.steps * (0.1 + 0.2 * rnd.next())),
      noise: 0.02 + 0.04 * rnd.next(),
      gap: 0.05 + 0.3 * rnd.next(),
      spikeRate: 0.002,
      seed: rnd.int(0, 2 ** 31),
    },
    lr,
  };
}

export interface SeriesColumns {
  key: string;
  steps: number[];
  values: number[];
  times: number[];
}

/**
 * The metric points of steps [from, to) of a run as columns per key: train/loss (decaying, noisy,
 * with rare spikes), lr (cosine schedule), and every `evalEvery` steps val/loss and val/acc.
 * Point values depend only on (run, step), so any split into batches gives the same series.
 */
export function metricColumns(plan: SeedRunPlan, from: number, to: number): SeriesColumns[] {
  const c = plan.curve;
  const columns = new Map<string, SeriesColumns>();
  const push = (key: string, step: number, value: number) => {
    let col = columns.get(key);
    if (!col) {
      col = { key, steps: [], values: [], times: [] };
      columns.set(key, col);
    }
    col.steps.push(step);
    col.values.push(value);
    col.times.push(plan.startTime + step * plan.stepMs);
  };
  const total = Math.max(1, plan.steps);
  for (let step = from; step < to; step++) {
    const rnd = createRandom(c.seed ^ Math.imul(step + 1, 0x9e3779b1));
    const clean = c.floor + (c.init - c.floor) * Math.exp(-step / c.tau);
    const spike = rnd.next() < c.spikeRate ? 2 + 3 * rnd.next() : 1;
    const train = Math.max(1e-4, clean * (1 + c.noise * rnd.normal()) * spike);
    push("train/loss", step, train);
    push("lr", step, plan.lr * 0.5 * (1 + Math.cos((Math.PI * step) / total)));
    if (step % plan.evalEvery === 0 || step === plan.steps - 1) {
      const val = clean + c.gap * (step / total) * clean + 0.01 * rnd.normal();
      push("val/loss", step, Math.max(1e-4, val));
      push("val/acc", step, Math.min(0.999, Math.max(0, 1 - val / (c.init + 0.2) + 0.005 * rnd.normal())));
    }
  }
  return [...columns.values()];
}

/** Points per step of a run at most (train/loss, lr, val/loss, val/acc). */
export const KEYS_PER_STEP = 4;
