/**
 * The one-dimensional Parzen estimators of TPE (Bergstra et al., 2011). Numeric parameters get a
 * mixture of truncated Gaussians centred on the observations plus one wide prior component, with
 * each bandwidth the larger gap to a neighbour clipped to [range / min(100, n + 1), range]
 * (log space for log-uniform ranges; integers get the mass of [k − ½, k + ½]). Categorical
 * parameters get counts smoothed by the prior weight spread over the choices.
 */
import { normalCdf, normalLogPdf, normalQuantile } from "../stats/normal.js";
import type { Rng } from "./prng.js";
import { choiceIndex, type SearchParam } from "./search-space.js";

export interface ParzenEstimator {
  sample(rng: Rng): unknown;
  /** Log density (or log mass) at a value of the parameter's domain. */
  logDensity(value: unknown): number;
}

function logSumExp(values: number[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > max) max = v;
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

interface Component {
  mu: number;
  sigma: number;
  logWeight: number;
  /** Φ at the truncation bounds, in the component's own standard units. */
  cdfLow: number;
  cdfHigh: number;
}

type NumericParam = Extract<SearchParam, { kind: "float" | "int" }>;

function numericEstimator(param: NumericParam, observations: number[], priorWeight: number): ParzenEstimator {
  const isInt = param.kind === "int";
  const isLog = param.kind === "float" && param.log;
  const toT = (x: number) => (isLog ? Math.log(x) : x);
  const low = isInt ? param.low - 0.5 : toT(param.low);
  const high = isInt ? param.high + 0.5 : toT(param.high);
  const range = high - low;
  const obs = observations.map(toT);
  const prior = { mu: (low + high) / 2, sigma: range };

  const order = obs.map((_, i) => i).sort((a, b) => (obs[a] as number) - (obs[b] as number));
  const sorted = order.map((i) => obs[i] as number);
  const sigmas = new Array<number>(obs.length);
  const minSigma = range / Math.min(100, obs.length + 1);
  sorted.forEach((mu, rank) => {
    const left = rank > 0 ? mu - (sorted[rank - 1] as number) : mu - low;
    const right = rank < sorted.length - 1 ? (sorted[rank + 1] as number) - mu : high - mu;
    const gap =
      sorted.length === 1
        ? Math.max(left, right)
        : rank === 0
          ? right
          : rank === sorted.length - 1
            ? left
            : Math.max(left, right);
    sigmas[order[rank] as number] = Math.min(range, Math.max(minSigma, gap));
  });

  const raw = [
    ...obs.map((mu, i) => ({ mu, sigma: sigmas[i] as number, weight: 1 })),
    { ...prior, weight: priorWeight },
  ];
  const total = raw.reduce((s, c) => s + c.weight, 0);
  const components: Component[] = raw.map((c) => ({
    mu: c.mu,
    sigma: c.sigma,
    logWeight: Math.log(c.weight / total),
    cdfLow: normalCdf((low - c.mu) / c.sigma),
    cdfHigh: normalCdf((high - c.mu) / c.sigma),
  }));
  const cumulative: number[] = [];
  let acc = 0;
  for (const c of components) {
    acc += Math.exp(c.logWeight);
    cumulative.push(acc);
  }

  function sampleT(rng: Rng): number {
    const r = rng.next() * acc;
    const pick = cumulative.findIndex((w) => r < w);
    const c = components[pick < 0 ? components.length - 1 : pick] as Component;
    const u = c.cdfLow + rng.next() * (c.cdfHigh - c.cdfLow);
    const t = c.mu + c.sigma * normalQuantile(Math.min(1 - 1e-16, Math.max(1e-16, u)));
    return Math.min(high, Math.max(low, Number.isFinite(t) ? t : c.mu));
  }

  function logDensityT(t: number): number {
    return logSumExp(
      components.map((c) => {
        const logZ = Math.log(Math.max(1e-300, c.cdfHigh - c.cdfLow));
        if (isInt) {
          const mass = normalCdf((t + 0.5 - c.mu) / c.sigma) - normalCdf((t - 0.5 - c.mu) / c.sigma);
          const logMass = mass > 1e-12 ? Math.log(mass) : normalLogPdf((t - c.mu) / c.sigma) - Math.log(c.sigma);
          return c.logWeight + logMass - logZ;
        }
        return c.logWeight + normalLogPdf((t - c.mu) / c.sigma) - Math.log(c.sigma) - logZ;
      }),
    );
  }

  return {
    sample(rng: Rng): number {
      const t = sampleT(rng);
      if (isInt) return Math.min(param.high, Math.max(param.low, Math.round(t)));
      return isLog ? Math.min(param.high, Math.max(param.low, Math.exp(t))) : t;
    },
    logDensity(value: unknown): number {
      return logDensityT(toT(value as number));
    },
  };
}

function categoricalEstimator(
  param: Extract<SearchParam, { kind: "categorical" }>,
  observations: unknown[],
  priorWeight: number,
): ParzenEstimator {
  const k = param.choices.length;
  const weights = new Array<number>(k).fill(priorWeight / k);
  for (const value of observations) {
    const i = choiceIndex(param, value);
    if (i >= 0) weights[i] = (weights[i] as number) + 1;
  }
  const total = weights.reduce((s, w) => s + w, 0);
  const logProbs = weights.map((w) => Math.log(w / total));
  return {
    sample(rng: Rng): unknown {
      let r = rng.next() * total;
      for (let i = 0; i < k; i++) {
        r -= weights[i] as number;
        if (r < 0) return structuredClone(param.choices[i]);
      }
      return structuredClone(param.choices[k - 1]);
    },
    logDensity(value: unknown): number {
      const i = choiceIndex(param, value);
      return i >= 0 ? (logProbs[i] as number) : Number.NEGATIVE_INFINITY;
    },
  };
}

/** The Parzen estimator of one parameter over in-domain observations. */
export function createParzenEstimator(param: SearchParam, observations: unknown[], priorWeight = 1): ParzenEstimator {
  if (param.kind === "categorical") return categoricalEstimator(param, observations, priorWeight);
  return numericEstimator(param, observations as number[], priorWeight);
}
