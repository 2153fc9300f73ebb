/**
 * Validates a sweep specification (a parsed sweep file or an API body) and resolves it into what
 * a controller uses: the argv of the command, the normalised search space, the early-stopping rule
 * with its defaults filled in and the wall-time budget in milliseconds.
 */
import type { z } from "zod";
import { CommandSyntaxError, splitCommand } from "../config/command-template.js";
import { getConfigPath } from "../config/config-paths.js";
import { parseDuration } from "../duration.js";
import { invalidArgument, type LooplabError } from "../errors.js";
import type { MetricGoal } from "../schemas/projects.js";
import { type SweepSpec, sweepSpecSchema } from "../schemas/sweeps.js";
import { type SearchParam, toSearchSpace } from "./search-space.js";

export type EarlyStopRule =
  | { method: "median"; metric: string; goal: MetricGoal; minSteps: number; minTrials: number }
  | { method: "asha"; metric: string; goal: MetricGoal; minSteps: number; reduction: number; maxSteps: number | null };

export interface ResolvedSweep {
  spec: SweepSpec;
  argv: string[];
  space: SearchParam[];
  earlyStop: EarlyStopRule | null;
  wallTimeMs: number | null;
}

/** One problem of a sweep specification, located by its key path. */
export interface SpecIssue {
  path: (string | number)[];
  message: string;
}

export const renderSpecPath = (path: readonly (string | number)[]) =>
  path.length === 0 ? "(top level)" : path.join(".");

type ZodIssue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

const paramBranches = ["uniform", "loguniform", "int"] as const;

/** Flattens zod issues into located ones: one per unknown key, the right branch of a search parameter. */
function specIssues(issues: readonly ZodIssue[], input: unknown, prefix: PropertyKey[] = []): SpecIssue[] {
  const out: SpecIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        out.push({ path: [...path, key] as (string | number)[], message: `unknown key '${key}'` });
    } else if (issue.code === "invalid_union" && issue.errors.length === 4 && path[0] === "space") {
      const value = valueAt(input, path);
      const kind = typeof value === "object" && value !== null ? paramBranches.findIndex((k) => k in value) : -1;
      const branch = Array.isArray(value) ? 0 : kind >= 0 ? kind + 1 : -1;
      const chosen = branch >= 0 ? issue.errors[branch] : undefined;
      if (chosen) out.push(...specIssues(chosen, input, path));
      else {
        out.push({
          path: path as (string | number)[],
          message: "expected a list of choices or a range: { uniform | loguniform | int: [low, high] }",
        });
      }
    } else {
      out.push({ path: path as (string | number)[], message: issue.message });
    }
  }
  return out;
}

/** Checks the command: splits a string, and every `${config.KEY}` must name a default or a search key. */
function commandIssues(spec: SweepSpec): { argv: string[]; issues: SpecIssue[] } {
  let argv: string[];
  try {
    argv = typeof spec.command === "string" ? splitCommand(spec.command) : [...spec.command];
  } catch (error) {
    if (error instanceof CommandSyntaxError)
      return { argv: [], issues: [{ path: ["command"], message: error.message }] };
    throw error;
  }
  const issues: SpecIssue[] = [];
  const keys = Object.keys(spec.space);
  argv.forEach((arg, i) => {
    for (const match of arg.matchAll(/\$\$\{|\$\{([^}]*)\}/g)) {
      if (match[0] === "$${") continue;
      const name = (match[1] ?? "").trim();
      const path: (string | number)[] = typeof spec.command === "string" ? ["command"] : ["command", i];
      if (name === "config_file" || name === "run_id") continue;
      if (!name.startsWith("config.") || name === "config.") {
        issues.push({
          path,
          message: `unknown placeholder ${match[0]} (use \${config_file}, \${run_id} or \${config.KEY})`,
        });
        continue;
      }
      const key = name.slice("config.".length);
      const known =
        getConfigPath(spec.config, key) !== undefined ||
        keys.some((k) => k === key || k.startsWith(`${key}.`) || key.startsWith(`${k}.`));
      if (!known) issues.push({ path, message: `${match[0]}: '${key}' is neither in config nor in space` });
    }
  });
  return { argv, issues };
}

function resolveEarlyStop(spec: SweepSpec): EarlyStopRule | null {
  const rule = spec.early_stop;
  if (!rule) return null;
  const metric = rule.metric ?? spec.objective.metric;
  const goal = rule.goal ?? (metric === spec.objective.metric ? spec.objective.goal : "max");
  if (rule.method === "median") {
    return { method: "median", metric, goal, minSteps: rule.min_steps, minTrials: rule.min_trials };
  }
  return {
    method: "asha",
    metric,
    goal,
    minSteps: rule.min_steps,
    reduction: rule.reduction,
    maxSteps: rule.max_steps ?? null,
  };
}

export type IssueLocator = (path: readonly (string | number)[]) => number | null;

/** Builds the error of a spec: the first issue in the message, all of them (with lines if known) in details. */
export function sweepSpecError(issues: readonly SpecIssue[], locate?: IssueLocator): LooplabError {
  const located = issues.map((issue) => ({
    key: renderSpecPath(issue.path),
    line: locate ? locate(issue.path) : null,
    message: issue.message,
  }));
  const first = located[0] ?? { key: "(top level)", line: null, message: "invalid sweep" };
  const where = first.line !== null ? `line ${first.line}: ` : "";
  const more = located.length > 1 ? ` (and ${located.length - 1} more)` : "";
  return invalidArgument(`sweep: ${where}${first.key}: ${first.message}${more}`, {
    line: first.line,
    key: first.key,
    issues: located,
  });
}

/** Validates and resolves a sweep specification; bad input → INVALID_ARGUMENT naming each key. */
export function resolveSweepSpec(input: unknown, locate?: IssueLocator): ResolvedSweep {
  if (input === null || input === undefined) {
    throw sweepSpecError([{ path: [], message: "the sweep specification is empty" }], locate);
  }
  const parsed = sweepSpecSchema.safeParse(input);
  if (!parsed.success) throw sweepSpecError(specIssues(parsed.error.issues, input), locate);
  const spec = parsed.data;
  const { argv, issues } = commandIssues(spec);
  if (issues.length > 0) throw sweepSpecError(issues, locate);
  return {
    spec,
    argv,
    space: toSearchSpace(spec.space),
    earlyStop: resolveEarlyStop(spec),
    wallTimeMs: spec.budget.wall_time === undefined ? null : parseDuration(spec.budget.wall_time, "budget.wall_time"),
  };
}
