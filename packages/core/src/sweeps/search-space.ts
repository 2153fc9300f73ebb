/**
 * The search space of a sweep, normalised from the sweep file: each dotted key is a real range
 * (possibly in log space), an integer range (both ends included) or a list of choices. A real
 * range with `steps: N` is the list of its N evenly spaced (or log-spaced) values.
 */
import type { SearchParamSpec } from "../schemas/sweeps.js";
import type { Rng } from "./prng.js";

export type SearchParam =
  | { key: string; kind: "float"; low: number; high: number; log: boolean }
  | { key: string; kind: "int"; low: number; high: number }
  | { key: string; kind: "categorical"; choices: unknown[] };

export type SearchSpace = readonly SearchParam[];

/** Rounds away binary noise (0.30000000000000004 → 0.3) so grid values print as written. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/** The N values of a real range with `steps: N`: ends included, evenly spaced in linear or log space. */
export function rangeSteps(low: number, high: number, steps: number, log: boolean): number[] {
  const values: number[] = [];
  for (let i = 0; i < steps; i++) {
    const f = steps === 1 ? 0 : i / (steps - 1);
    const x = log ? Math.exp(Math.log(low) + f * (Math.log(high) - Math.log(low))) : low + f * (high - low);
    values.push(i === 0 ? low : i === steps - 1 ? high : tidy(x));
  }
  return values;
}

/** Normalises one parameter of a (validated) sweep file. */
export function toSearchParam(key: string, spec: SearchParamSpec): SearchParam {
  if (Array.isArray(spec)) return { key, kind: "categorical", choices: spec };
  if ("int" in spec) return { key, kind: "int", low: spec.int[0], high: spec.int[1] };
  const log = "loguniform" in spec;
  const [low, high] = log ? spec.loguniform : spec.uniform;
  if (spec.steps !== undefined) return { key, kind: "categorical", choices: rangeSteps(low, high, spec.steps, log) };
  return { key, kind: "float", low, high, log };
}

export function toSearchSpace(space: Record<string, SearchParamSpec>): SearchParam[] {
  return Object.entries(space).map(([key, spec]) => toSearchParam(key, spec));
}

/** The finite values of a parameter in a grid; null for a continuous range. */
export function paramGridValues(param: SearchParam): unknown[] | null {
  if (param.kind === "categorical") return param.choices;
  if (param.kind === "int") {
    const values: number[] = [];
    for (let v = param.low; v <= param.high; v++) values.push(v);
    return values;
  }
  return null;
}

/** Number of points of a parameter's grid (Infinity for a continuous range). */
export function paramGridSize(param: SearchParam): number {
  if (param.kind === "categorical") return param.choices.length;
  if (param.kind === "int") return param.high - param.low + 1;
  return Number.POSITIVE_INFINITY;
}

/** Number of configurations in the full grid of a space (Infinity if any range is continuous). */
export function gridSize(space: SearchSpace): number {
  return space.reduce((size, p) => size * paramGridSize(p), 1);
}

/** The index-th point of the grid, first parameter varying slowest (mixed radix, no enumeration). */
export function gridPoint(space: SearchSpace, index: number): Record<string, unknown> {
  const picks = new Array<number>(space.length);
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const n = paramGridSize(space[i] as SearchParam);
    picks[i] = rest % n;
    rest = Math.floor(rest / n);
  }
  const point: Record<string, unknown> = {};
  space.forEach((param, i) => {
    const pick = picks[i] as number;
    if (param.kind === "categorical") point[param.key] = structuredClone(param.choices[pick]);
    else if (param.kind === "int") point[param.key] = param.low + pick;
    else throw new Error(`'${param.key}' is continuous and has no grid`);
  });
  return point;
}

/** One value drawn from the parameter's prior (uniform over its range, log-uniform, or its choices). */
export function sampleParam(param: SearchParam, rng: Rng): unknown {
  if (param.kind === "categorical") return structuredClone(param.choices[rng.int(param.choices.length)]);
  if (param.kind === "int") return param.low + rng.int(param.high - param.low + 1);
  const u = rng.next();
  if (param.log) return Math.exp(Math.log(param.low) + u * (Math.log(param.high) - Math.log(param.low)));
  return param.low + u * (param.high - param.low);
}

export function samplePoint(space: SearchSpace, rng: Rng): Record<string, unknown> {
  const point: Record<string, unknown> = {};
  for (const param of space) point[param.key] = sampleParam(param, rng);
  return point;
}

/** Index of a value among a parameter's choices (by JSON equality), or -1. */
export function choiceIndex(param: Extract<SearchParam, { kind: "categorical" }>, value: unknown): number {
  const text = JSON.stringify(value);
  return param.choices.findIndex((choice) => JSON.stringify(choice) === text);
}

/** Whether a value lies in the parameter's domain (history from another space is ignored by samplers). */
export function inDomain(param: SearchParam, value: unknown): boolean {
  if (param.kind === "categorical") return choiceIndex(param, value) >= 0;
  if (typeof value !== "number" || !Number.isFinite(value)) return false;
  if (param.kind === "int" && !Number.isInteger(value)) return false;
  return value >= param.low && value <= param.high;
}
