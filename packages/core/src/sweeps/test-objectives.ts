/**
 * Standard test functions for search methods (fixtures for tests, benchmarks and examples):
 * Branin (2-D) and Hartmann-6 (6-D), both minimised, and a noisy quadratic in three parameters.
 */
import type { Rng } from "./prng.js";
import type { SearchParam } from "./search-space.js";

export interface TestObjective {
  name: string;
  space: SearchParam[];
  /** Global minimum (for regret). */
  minimum: number;
  evaluate(params: Record<string, unknown>, rng?: Rng): number;
}

const num = (params: Record<string, unknown>, key: string) => params[key] as number;

export const branin: TestObjective = {
  name: "branin",
  space: [
    { key: "x1", kind: "float", low: -5, high: 10, log: false },
    { key: "x2", kind: "float", low: 0, high: 15, log: false },
  ],
  minimum: 0.397887357729738,
  evaluate(params) {
    const x1 = num(params, "x1");
    const x2 = num(params, "x2");
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const hartmannAlpha = [1.0, 1.2, 3.0, 3.2];
const hartmannA = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const hartmannP = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

export const hartmann6: TestObjective = {
  name: "hartmann6",
  space: [1, 2, 3, 4, 5, 6].map((i) => ({ key: `x${i}`, kind: "float", low: 0, high: 1, log: false })),
  minimum: -3.32236801141551,
  evaluate(params) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        const d = num(params, `x${j + 1}`) - (hartmannP[i]?.[j] as number);
        inner += (hartmannA[i]?.[j] as number) * d * d;
      }
      sum += (hartmannAlpha[i] as number) * Math.exp(-inner);
    }
    return -sum;
  },
};

/**
 * (log10 lr + 3)² + ((width − 256) / 128)² + (depth − 3)² / 4 plus Gaussian noise of standard
 * deviation 0.1 when an rng is given: minimum 0 at lr = 1e-3, width = 256, depth = 3.
 */
export const noisyQuadratic: TestObjective = {
  name: "noisy-quadratic",
  space: [
    { key: "lr", kind: "float", low: 1e-6, high: 1, log: true },
    { key: "model.width", kind: "float", low: 16, high: 1024, log: false },
    { key: "model.depth", kind: "int", low: 1, high: 8 },
  ],
  minimum: 0,
  evaluate(params, rng) {
    const lr = num(params, "lr");
    const width = num(params, "model.width");
    const depth = num(params, "model.depth");
    const clean = (Math.log10(lr) + 3) ** 2 + ((width - 256) / 128) ** 2 + (depth - 3) ** 2 / 4;
    return clean + (rng ? 0.1 * rng.normal() : 0);
  },
};
