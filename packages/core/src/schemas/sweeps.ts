/**
 * The sweep file (`sweep.yaml`) and the body of `POST /api/v1/sweeps`: keys are written as in the
 * file (snake_case), every object is strict (an unknown key is an error).
 */
import { z } from "zod";
import { configSchema, metricKeySchema, projectNameSchema } from "./common.js";
import { metricGoalSchema } from "./projects.js";

/** A dotted config path: `lr`, `model.width`. */
export const spaceKeySchema = z
  .string()
  .max(250)
  .regex(/^[^\s.=${}]+(\.[^\s.=${}]+)*$/, "must be a dotted config key such as model.width");

const bound = z.number();
const rangeOf = (name: string) =>
  z.tuple([bound, bound], { error: `${name} takes two bounds: [low, high]` }).refine(([a, b]) => a < b, {
    message: `${name}: the low bound must be below the high bound`,
  });
const gridSteps = z.number().int().min(2).max(10_000);

export const uniformParamSchema = z.strictObject({ uniform: rangeOf("uniform"), steps: gridSteps.optional() }).meta({
  id: "UniformParam",
  description: "A real number drawn uniformly from [low, high]; `steps: N` makes N evenly spaced values.",
});

export const loguniformParamSchema = z
  .strictObject({
    loguniform: rangeOf("loguniform").refine(([a]) => a > 0, {
      message: "loguniform: bounds must be positive",
    }),
    steps: gridSteps.optional(),
  })
  .meta({
    id: "LoguniformParam",
    description: "A positive real number drawn uniformly in log space; `steps: N` makes N log-spaced values.",
  });

export const intParamSchema = z
  .strictObject({
    int: z
      .tuple([z.number().int(), z.number().int()], { error: "int takes two integer bounds: [low, high]" })
      .refine(([a, b]) => a < b, { message: "int: the low bound must be below the high bound" }),
  })
  .meta({ id: "IntParam", description: "An integer in [low, high], both included." });

export const categoricalParamSchema = z
  .array(z.unknown())
  .min(1, "a list of choices needs at least one value")
  .max(10_000)
  .meta({ id: "CategoricalParam", description: "One of the listed values." });

export const searchParamSchema = z
  .union([categoricalParamSchema, uniformParamSchema, loguniformParamSchema, intParamSchema])
  .meta({ id: "SearchParam" });
export type SearchParamSpec = z.infer<typeof searchParamSchema>;

export const sweepMethods = ["grid", "random", "bayes"] as const;
export const sweepMethodSchema = z.enum(sweepMethods);
export type SweepMethod = z.infer<typeof sweepMethodSchema>;

const goalSchema = metricGoalSchema;

/** "30s", "45m", "2h", "1d". */
export const wallTimeSchema = z.string().regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, "must be a duration such as 30m, 2h or 1d");

const earlyStopCommon = {
  /** Defaults to the objective's metric (and then its goal). */
  metric: metricKeySchema.optional(),
  goal: goalSchema.optional(),
  min_steps: z.number().int().min(1).max(1_000_000_000).default(1),
};

export const medianStopSchema = z
  .strictObject({
    method: z.literal("median"),
    ...earlyStopCommon,
    /** Other trials needed at a step before the rule may stop anyone. */
    min_trials: z.number().int().min(1).max(10_000).default(3),
  })
  .meta({ id: "MedianStop" });

export const ashaStopSchema = z
  .strictObject({
    method: z.literal("asha"),
    ...earlyStopCommon,
    reduction: z.number().gt(1).max(1000).default(3),
    /** The last rung is at or below this step; no rung after it. */
    max_steps: z.number().int().min(1).optional(),
  })
  .meta({ id: "AshaStop" });

export const earlyStopSchema = z.discriminatedUnion("method", [medianStopSchema, ashaStopSchema], {
  error: "early_stop.method must be median or asha",
});
export type EarlyStopSpec = z.infer<typeof earlyStopSchema>;

export const sweepSpecSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    project: projectNameSchema,
    /** A command line (split with shell-like quoting, no shell) or an argv array. */
    command: z.union([z.string().min(1).max(10_000), z.array(z.string().max(10_000)).min(1).max(1000)]),
    config: configSchema.default({}),
    space: z
      .record(spaceKeySchema, searchParamSchema)
      .refine((space) => Object.keys(space).length > 0, { message: "the search space is empty" })
      .refine((space) => Object.keys(space).length <= 100, { message: "at most 100 parameters" }),
    method: sweepMethodSchema,
    objective: z.strictObject({ metric: metricKeySchema, goal: goalSchema }),
    budget: z.strictObject({
      runs: z.number().int().min(1).max(100_000),
      parallel: z.number().int().min(1).max(10_000).default(1),
      wall_time: wallTimeSchema.optional(),
    }),
    early_stop: earlyStopSchema.optional(),
    resources: z
      .strictObject({
        gpus: z.number().int().min(0).max(64).default(0),
        cpus: z.number().int().min(1).max(4096).optional(),
      })
      .default({ gpus: 0 }),
    queue: z.string().min(1).max(128).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(0),
  })
  .superRefine((spec, ctx) => {
    const keys = Object.keys(spec.space);
    for (const key of keys) {
      const param = spec.space[key];
      const outer = keys.find((other) => key.startsWith(`${other}.`));
      if (outer) ctx.addIssue({ code: "custom", path: ["space", key], message: `'${key}' is inside '${outer}'` });
      if (spec.method === "grid" && param && !Array.isArray(param) && !("int" in param) && param.steps === undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["space", key],
          message: `a continuous range in a grid needs 'steps: N' (the number of values to try)`,
        });
      }
    }
  })
  .meta({ id: "SweepSpec" });

export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
export type SweepSpec = z.output<typeof sweepSpecSchema>;
