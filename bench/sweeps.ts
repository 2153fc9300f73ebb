/**
 * Bayesian search (TPE) against random search on Branin and Hartmann-6: 20 seeds × 50 trials
 * each, one trial at a time; the best value found per seed is compared with a one-sided
 * Mann–Whitney U test (TPE smaller). Target: p < 0.05 on each function.
 */
import {
  branin,
  createRandomSampler,
  createTpeSampler,
  hartmann6,
  mannWhitneyU,
  type Sampler,
  type TestObjective,
  type TrialRecord,
} from "@looplab/core";
import { fmt, median, note, record } from "./report.js";

const SEEDS = 20;
const TRIALS = 50;

function bestOf(sampler: Sampler, objective: TestObjective): number {
  const history: TrialRecord[] = [];
  let best = Number.POSITIVE_INFINITY;
  while (history.length < TRIALS) {
    const [proposal] = sampler.propose(history, 1);
    if (!proposal) break;
    const value = objective.evaluate(proposal.params);
    best = Math.min(best, value);
    history.push({ params: proposal.params, state: "completed", value });
  }
  return best;
}

export async function benchSweeps(): Promise<void> {
  for (const objective of [branin, hartmann6]) {
    const started = performance.now();
    const tpe: number[] = [];
    const random: number[] = [];
    for (let seed = 0; seed < SEEDS; seed++) {
      const common = { space: objective.space, seed };
      tpe.push(bestOf(createTpeSampler({ ...common, goal: "min" }), objective));
      random.push(bestOf(createRandomSampler(common), objective));
    }
    const regret = (values: number[]) => median(values.map((v) => v - objective.minimum));
    const test = mannWhitneyU(tpe, random, { alternative: "less" });
    const tpeRegret = regret(tpe);
    const randomRegret = regret(random);
    note(
      `${objective.name}: ${SEEDS} seeds × ${TRIALS} trials each in ${fmt(performance.now() - started)} ms; ` +
        `TPE wins ${tpe.filter((v, i) => v < (random[i] as number)).length} of ${SEEDS} paired seeds`,
    );
    record({
      name: `${objective.name}: median regret after ${TRIALS} trials, TPE vs random`,
      value: `${fmt(tpeRegret, 4)} vs ${fmt(randomRegret, 4)} (ratio ${fmt(tpeRegret / randomRegret, 3)})`,
      judgedBy: "TPE ÷ random < 1",
      pass: tpeRegret < randomRegret,
    });
    record({
      name: `${objective.name}: Mann–Whitney U (TPE best < random best, ${SEEDS} seeds)`,
      value: `U = ${fmt(test.u, 1)}, z = ${fmt(test.z, 2)}, p = ${test.pValue.toExponential(2)}`,
      judgedBy: "one-sided p < 0.05",
      pass: test.pValue < 0.05,
    });
  }
}
