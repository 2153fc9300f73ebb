import { describe, expect, it } from "vitest";
import { createGridSampler } from "./grid-sampler.js";
import { createParzenEstimator } from "./parzen-estimator.js";
import { createRng, mixSeed } from "./prng.js";
import { createRandomSampler } from "./random-sampler.js";
import type { Sampler, TrialRecord } from "./sampler.js";
import type { SearchParam } from "./search-space.js";

const mixed: SearchParam[] = [
  { key: "lr", kind: "float", low: 1e-5, high: 1e-1, log: true },
  { key: "model.width", kind: "categorical", choices: [128, 256, 512] },
  { key: "model.depth", kind: "int", low: 1, high: 4 },
  { key: "dropout", kind: "float", low: 0, high: 0.5, log: false },
];

const completed = (params: Record<string, unknown>): TrialRecord => ({ params, state: "completed", value: 0 });

/** Proposes `total` trials `batch` at a time, each completed before the next batch. */
function drive(sampler: Sampler, total: number, batch: number): Record<string, unknown>[] {
  const history: TrialRecord[] = [];
  while (history.length < total) {
    const proposals = sampler.propose(history, Math.min(batch, total - history.length));
    if (proposals.length === 0) break;
    for (const [k, p] of proposals.entries()) expect(p.index).toBe(history.length + k);
    history.push(...proposals.map((p) => completed(p.params)));
  }
  return history.map((t) => t.params);
}

describe("prng", () => {
  it("is reproducible per seed and spreads uniformly", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xs = Array.from({ length: 10_000 }, () => a.next());
    expect(Array.from({ length: 10_000 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 10 }, () => c.next())).not.toEqual(xs.slice(0, 10));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    const ints = Array.from({ length: 6_000 }, () => a.int(6));
    for (let v = 0; v < 6; v++) expect(ints.filter((x) => x === v).length).toBeGreaterThan(850);
    const normals = Array.from({ length: 10_000 }, () => a.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeCloseTo(1, 1);
    expect(mixSeed(1, 2)).not.toBe(mixSeed(2, 1));
    expect(mixSeed(2 ** 40)).not.toBe(mixSeed(0));
  });
});

describe("grid sampler", () => {
  const space: SearchParam[] = [
    { key: "opt", kind: "categorical", choices: ["adam", "sgd"] },
    { key: "depth", kind: "int", low: 1, high: 3 },
  ];

  it("walks the cartesian product, first key slowest, and stops at its end", () => {
    const grid = createGridSampler({ space, defaults: { depth: 0, lr: 0.1 } });
    expect(grid.size).toBe(6);
    const points = drive(grid, 100, 4);
    expect(points).toEqual([
      { opt: "adam", depth: 1 },
      { opt: "adam", depth: 2 },
      { opt: "adam", depth: 3 },
      { opt: "sgd", depth: 1 },
      { opt: "sgd", depth: 2 },
      { opt: "sgd", depth: 3 },
    ]);
    expect(grid.propose([], 1)[0]?.config).toEqual({ depth: 1, lr: 0.1, opt: "adam" });
  });

  it("is truncated by the budget and resumes from the history", () => {
    const grid = createGridSampler({ space });
    expect(drive(grid, 4, 3)).toHaveLength(4);
    const history = drive(grid, 2, 2).map(completed);
    expect(grid.propose(history, 2).map((p) => p.params)).toEqual([
      { opt: "adam", depth: 3 },
      { opt: "sgd", depth: 1 },
    ]);
  });

  it("refuses a continuous range", () => {
    expect(() => createGridSampler({ space: mixed })).toThrow(/finite space/);
  });
});

describe("random sampler", () => {
  it("gives the same trials for the same seed, however they are batched", () => {
    const one = drive(createRandomSampler({ space: mixed, seed: 7 }), 30, 1);
    const four = drive(createRandomSampler({ space: mixed, seed: 7 }), 30, 4);
    expect(four).toEqual(one);
    const other = drive(createRandomSampler({ space: mixed, seed: 8 }), 30, 1);
    expect(other).not.toEqual(one);
    expect(other.filter((p, i) => p.lr === one[i]?.lr)).toHaveLength(0);
  });

  it("stays within bounds and types, covering the space", () => {
    const points = drive(createRandomSampler({ space: mixed, seed: 1 }), 500, 10);
    for (const p of points) {
      expect(p.lr).toBeGreaterThanOrEqual(1e-5);
      expect(p.lr).toBeLessThanOrEqual(1e-1);
      expect([128, 256, 512]).toContain(p["model.width"]);
      expect(Number.isInteger(p["model.depth"])).toBe(true);
      expect([1, 2, 3, 4]).toContain(p["model.depth"]);
    }
    // Log-uniform: about a quarter of the draws in each decade.
    const decade = points.filter((p) => (p.lr as number) < 1e-4).length;
    expect(decade).toBeGreaterThan(90);
    expect(decade).toBeLessThan(160);
    expect(new Set(points.map((p) => p["model.depth"])).size).toBe(4);
  });
});

describe("Parzen estimators", () => {
  it("are normalised densities and masses", () => {
    const float: SearchParam = { key: "x", kind: "float", low: -2, high: 3, log: false };
    const density = createParzenEstimator(float, [-1.9, 0.5, 0.6, 2.9]);
    let integral = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) integral += Math.exp(density.logDensity(-2 + ((i + 0.5) * 5) / n)) * (5 / n);
    expect(integral).toBeCloseTo(1, 3);

    const int: SearchParam = { key: "k", kind: "int", low: 0, high: 9 };
    const mass = createParzenEstimator(int, [0, 3, 3, 9]);
    const total = Array.from({ length: 10 }, (_, k) => Math.exp(mass.logDensity(k))).reduce((s, p) => s + p, 0);
    expect(total).toBeCloseTo(1, 6);

    const cat: SearchParam = { key: "c", kind: "categorical", choices: ["a", "b", { x: 1 }] };
    const pmf = createParzenEstimator(cat, ["a", "a", { x: 1 }]);
    expect(Math.exp(pmf.logDensity("a"))).toBeCloseTo((2 + 1 / 3) / 4, 12);
    expect(Math.exp(pmf.logDensity({ x: 1 }))).toBeCloseTo((1 + 1 / 3) / 4, 12);
    expect(pmf.logDensity("z")).toBe(Number.NEGATIVE_INFINITY);
  });

  it("sample within bounds, concentrated around the observations", () => {
    const log: SearchParam = { key: "lr", kind: "float", low: 1e-6, high: 1, log: true };
    const estimator = createParzenEstimator(log, [1e-3, 1.2e-3, 0.9e-3, 1.1e-3, 1e-3]);
    const rng = createRng(3);
    const draws = Array.from({ length: 2000 }, () => estimator.sample(rng) as number);
    expect(draws.every((x) => x >= 1e-6 && x <= 1)).toBe(true);
    const near = draws.filter((x) => x > 1e-4 && x < 1e-2).length;
    expect(near / draws.length).toBeGreaterThan(0.6);
  });
});
