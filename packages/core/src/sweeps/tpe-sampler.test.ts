import { describe, expect, it } from "vitest";
import { mannWhitneyU } from "../stats/mann-whitney.js";
import { createRng, mixSeed } from "./prng.js";
import { createRandomSampler } from "./random-sampler.js";
import type { Sampler, TrialRecord } from "./sampler.js";
import type { SearchParam } from "./search-space.js";
import { noisyQuadratic } from "./test-objectives.js";
import { createTpeSampler } from "./tpe-sampler.js";

const space: SearchParam[] = [
  ...noisyQuadratic.space,
  { key: "optimizer", kind: "categorical", choices: ["adam", "sgd", { name: "lamb", beta: 0.9 }] },
];

/** Runs a sweep of `total` trials, `parallel` at a time; returns the best clean objective found. */
function sweep(
  sampler: Sampler,
  seed: number,
  total: number,
  parallel: number,
): { best: number; history: TrialRecord[] } {
  const history: TrialRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  while (history.length < total) {
    const batch = sampler.propose(history, Math.min(parallel, total - history.length));
    for (const p of batch) {
      const noise = createRng(mixSeed(10_000 + seed, p.index));
      const value = noisyQuadratic.evaluate(p.params, noise);
      best = Math.min(best, noisyQuadratic.evaluate(p.params));
      history.push({ params: p.params, state: "completed", value });
    }
  }
  return { best, history };
}

describe("TPE sampler", () => {
  it("proposes values within bounds and of the right types", () => {
    const { history } = sweep(createTpeSampler({ space, seed: 1, goal: "min" }), 1, 60, 4);
    expect(history).toHaveLength(60);
    for (const { params } of history) {
      expect(params.lr).toBeGreaterThanOrEqual(1e-6);
      expect(params.lr).toBeLessThanOrEqual(1);
      expect(params["model.width"]).toBeGreaterThanOrEqual(16);
      expect(params["model.width"]).toBeLessThanOrEqual(1024);
      expect(Number.isInteger(params["model.depth"])).toBe(true);
      expect(params["model.depth"]).toBeGreaterThanOrEqual(1);
      expect(params["model.depth"]).toBeLessThanOrEqual(8);
      expect(["adam", "sgd", { name: "lamb", beta: 0.9 }]).toContainEqual(params.optimizer);
    }
  });

  it("is reproducible: same seed and history → same proposals; another seed differs", () => {
    const a = sweep(createTpeSampler({ space, seed: 5, goal: "min" }), 5, 40, 4).history;
    const b = sweep(createTpeSampler({ space, seed: 5, goal: "min" }), 5, 40, 4).history;
    const c = sweep(createTpeSampler({ space, seed: 6, goal: "min" }), 5, 40, 4).history;
    expect(b).toEqual(a);
    expect(c.map((t) => t.params)).not.toEqual(a.map((t) => t.params));
  });

  it("starts with the same trials as random search", () => {
    const tpe = createTpeSampler({ space, seed: 9, goal: "min" }).propose([], 10);
    const random = createRandomSampler({ space, seed: 9 }).propose([], 10);
    expect(tpe).toEqual(random);
  });

  it("treats goal max as the mirror of goal min", () => {
    const { history } = sweep(createRandomSampler({ space, seed: 2 }), 2, 30, 1);
    const negated = history.map((t) => ({ ...t, value: -(t.value as number) }));
    const min = createTpeSampler({ space, seed: 3, goal: "min" }).propose(history, 3);
    const max = createTpeSampler({ space, seed: 3, goal: "max" }).propose(negated, 3);
    expect(max).toEqual(min);
  });

  describe("constant liar", () => {
    const small: SearchParam[] = [
      { key: "x", kind: "int", low: 0, high: 20 },
      { key: "opt", kind: "categorical", choices: ["adam", "sgd", "rmsprop"] },
    ];
    const rng = createRng(1);
    const history: TrialRecord[] = Array.from({ length: 30 }, () => {
      const x = rng.int(21);
      const opt = ["adam", "sgd", "rmsprop"][rng.int(3)] as string;
      return { params: { x, opt }, state: "completed", value: (x - 7) ** 2 + (opt === "adam" ? 0 : 5) };
    });
    const distinct = (points: Record<string, unknown>[]) => new Set(points.map((p) => JSON.stringify(p))).size;

    it("makes the proposals of one call distinct, near the optimum", () => {
      for (const seed of [0, 1, 2, 3]) {
        const proposals = createTpeSampler({ space: small, seed, goal: "min" }).propose(history, 4);
        expect(distinct(proposals.map((p) => p.params))).toBe(4);
        expect(proposals.filter((p) => Math.abs((p.params.x as number) - 7) <= 2).length).toBeGreaterThanOrEqual(3);
      }
    });

    it("without it, parallel proposals repeat themselves (the failure it prevents)", () => {
      const repeats = [0, 1, 2, 3].filter((seed) => {
        const proposals = createTpeSampler({ space: small, seed, goal: "min", constantLiar: false }).propose(
          history,
          4,
        );
        return distinct(proposals.map((p) => p.params)) < 4;
      });
      expect(repeats.length).toBeGreaterThan(0);
    });

    it("avoids trials already pending in the history", () => {
      const pending: TrialRecord[] = [
        { params: { x: 7, opt: "adam" }, state: "pending" },
        { params: { x: 6, opt: "adam" }, state: "pending" },
      ];
      for (const seed of [0, 1, 2]) {
        const [next] = createTpeSampler({ space: small, seed, goal: "min" }).propose([...history, ...pending], 1);
        expect([JSON.stringify({ x: 7, opt: "adam" }), JSON.stringify({ x: 6, opt: "adam" })]).not.toContain(
          JSON.stringify(next?.params),
        );
      }
    });
  });

  it("counts pruned trials as bad and ignores failed ones", () => {
    const choice: SearchParam[] = [{ key: "opt", kind: "categorical", choices: ["a", "b"] }];
    const base: TrialRecord[] = [
      ...Array.from({ length: 5 }, (): TrialRecord => ({ params: { opt: "a" }, state: "completed", value: 1 })),
      // Pruned with a better-looking last value: still bad.
      ...Array.from({ length: 5 }, (): TrialRecord => ({ params: { opt: "b" }, state: "pruned", value: 0 })),
      // Failed after reporting a great value: ignored.
      ...Array.from({ length: 5 }, (): TrialRecord => ({ params: { opt: "b" }, state: "failed", value: -100 })),
    ];
    for (let seed = 0; seed < 10; seed++) {
      const [next] = createTpeSampler({ space: choice, seed, goal: "min" }).propose(base, 1);
      expect(next?.params).toEqual({ opt: "a" });
    }
  });

  it("beats random search on a noisy 3-parameter quadratic (10 fixed seeds, 60 trials, 4 in parallel)", () => {
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      tpe.push(sweep(createTpeSampler({ space: noisyQuadratic.space, seed, goal: "min" }), seed, 60, 4).best);
      random.push(sweep(createRandomSampler({ space: noisyQuadratic.space, seed }), seed, 60, 4).best);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    expect(median(tpe)).toBeLessThan(median(random) / 2);
    expect(mannWhitneyU(tpe, random, { alternative: "less" }).pValue).toBeLessThan(0.05);
  });
});
