// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { describe, expect, it } from "vitest";
import { LooplabError } from "../errors.js";
import { resolveSweepSpec } from "./sweep-spec.js";
import { parseSweepYaml } from "./sweep-yaml.js";

const example = `# sweep.yaml
project: digits
command: python train.py --config \${config_file}     # any program
config: { model: { width: 256, depth: 2 }, lr: 1e-3, epochs: 20 }   # defaults
space:
  lr: { loguniform: [1e-5, 1e-1] }
  model.width: [128, 256, 512]
  model.depth: { int: [1, 4] }
method: bayes
objective: { metric: val/acc, goal: max }
budget: { runs: 60, parallel: 4 }
early_stop: { method: asha, metric: val/acc, min_steps: 2, reduction: 3 }
resources: { gpus: 1 }
`;

function yamlError(text: string): LooplabError {
  try {
    parseSweepYaml(text);
  } catch (error) {
    if (error instanceof LooplabError) return error;
    throw error;
  }
  throw new Error("expected the sweep file to be refused");
}

/** The example with one line replaced (1-based). */
function withLine(line: number, text: string): string {
  const lines = example.split("\n");
  lines[line - 1] = text;
  return lines.join("\n");
}

describe("parseSweepYaml", () => {
  it("reads the example of the issue", () => {
    const sweep = parseSweepYaml(example);
    expect(sweep.argv).toEqual(["python", "train.py", "--config", "${config_file}"]);
    expect(sweep.space).toEqual([
      { key: "lr", kind: "float", low: 1e-5, high: 0.1, log: true },
      { key: "model.width", kind: "categorical", choices: [128, 256, 512] },
      { key: "model.depth", kind: "int", low: 1, high: 4 },
    ]);
    expect(sweep.spec).toMatchObject({
      project: "digits",
      config: { model: { width: 256, depth: 2 }, lr: 0.001, epochs: 20 },
      method: "bayes",
      objective: { metric: "val/acc", goal: "max" },
      budget: { runs: 60, parallel: 4 },
      resources: { gpus: 1 },
      seed: 0,
    });
    expect(sweep.earlyStop).toEqual({
      method: "asha",
      metric: "val/acc",
      goal: "max",
      minSteps: 2,
      reduction: 3,
      maxSteps: null,
    });
    expect(sweep.wallTimeMs).toBeNull();
  });

  it("resolves grid steps, argv commands, wall time and median defaults", () => {
    const sweep = parseSweepYaml(`project: p
command: [python, "train.py", "--lr=\${config.lr}"]
space:
  lr: { loguniform: [1e-4, 1e-1], steps: 4 }
  dropout: { uniform: [0, 0.5], steps: 3 }
method: grid
objective: { metric: loss, goal: min }
budget: { runs: 12, wall_time: 2h }
early_stop: { method: median }
seed: 7
`);
    expect(sweep.argv).toEqual(["python", "train.py", "--lr=${config.lr}"]);
    expect(sweep.space).toEqual([
      { key: "lr", kind: "categorical", choices: [1e-4, 0.001, 0.01, 0.1] },
      { key: "dropout", kind: "categorical", choices: [0, 0.25, 0.5] },
    ]);
    expect(sweep.wallTimeMs).toBe(7_200_000);
    expect(sweep.earlyStop).toEqual({ method: "median", metric: "loss", goal: "min", minSteps: 1, minTrials: 3 });
    expect(sweep.spec.budget.parallel).toBe(1);
  });

  // Each bad input of the issue: a 400 (INVALID_ARGUMENT) naming the line and the key.
  const cases: { name: string; text: string; line: number; key: string; message: RegExp }[] = [
    {
      name: "an unknown top-level key",
      text: withLine(13, "resources: { gpus: 1 }\nretries: 3"),
      line: 14,
      key: "retries",
      message: /unknown key 'retries'/,
    },
    {
      name: "an unknown key inside a range",
      text: withLine(8, "  model.depth: { int: [1, 4], step: 2 }"),
      line: 8,
      key: "space.model.depth.step",
      message: /unknown key 'step'/,
    },
    {
      name: "an empty space",
      text: withLine(5, "space: {}").replace(/^ {2}.*\n/gm, ""),
      line: 5,
      key: "space",
      message: /the search space is empty/,
    },
    {
      name: "a range whose low bound is not below its high bound",
      text: withLine(6, "  lr: { loguniform: [1e-1, 1e-5] }"),
      line: 6,
      key: "space.lr.loguniform",
      message: /low bound must be below the high bound/,
    },
    {
      name: "a non-positive log-uniform bound",
      text: withLine(6, "  lr: { loguniform: [0, 1e-1] }"),
      line: 6,
      key: "space.lr.loguniform",
      message: /bounds must be positive/,
    },
    {
      name: "a range with three bounds",
      text: withLine(6, "  lr: { uniform: [0, 0.5, 1] }"),
      line: 6,
      key: "space.lr.uniform",
      message: /uniform takes two bounds/,
    },
    {
      name: "an int range with a fractional bound",
      text: withLine(8, "  model.depth: { int: [1, 4.5] }"),
      line: 8,
      key: "space.model.depth.int.1",
      message: /expected int/,
    },
    {
      name: "an unknown kind of range",
      text: withLine(6, "  lr: { normal: [0, 1] }"),
      line: 6,
      key: "space.lr",
      message: /expected a list of choices or a range/,
    },
    {
      name: "a search key inside another search key",
      text: withLine(8, "  model.depth: { int: [1, 4] }\n  model: [{ width: 1 }]"),
      line: 7,
      key: "space.model.width",
      message: /'model.width' is inside 'model'/,
    },
    {
      name: "an empty list of choices",
      text: withLine(7, "  model.width: []"),
      line: 7,
      key: "space.model.width",
      message: /at least one value/,
    },
    {
      name: "a continuous range in a grid",
      text: withLine(9, "method: grid"),
      line: 6,
      key: "space.lr",
      message: /continuous range in a grid needs 'steps: N'/,
    },
    {
      name: "an unknown method",
      text: withLine(9, "method: hyperband"),
      line: 9,
      key: "method",
      message: /expected one of "grid"\|"random"\|"bayes"/,
    },
    {
      name: "an unknown early-stopping method",
      text: withLine(12, "early_stop: { method: hyperband }"),
      line: 12,
      key: "early_stop.method",
      message: /must be median or asha/,
    },
    {
      name: "an option of the other early-stopping method",
      text: withLine(12, "early_stop: { method: median, reduction: 3 }"),
      line: 12,
      key: "early_stop.reduction",
      message: /unknown key 'reduction'/,
    },
    {
      name: "a missing required key (at its parent's line)",
      text: withLine(10, "objective: { goal: max }"),
      line: 10,
      key: "objective.metric",
      message: /expected string/,
    },
    {
      name: "a malformed wall time",
      text: withLine(11, "budget: { runs: 60, wall_time: soon }"),
      line: 11,
      key: "budget.wall_time",
      message: /must be a duration/,
    },
    {
      name: "an unknown placeholder in the command",
      text: withLine(3, "command: python train.py --out ${output_dir}"),
      line: 3,
      key: "command",
      message: /unknown placeholder \$\{output_dir\}/,
    },
    {
      name: "a placeholder for a config key that does not exist",
      text: withLine(3, "command: python train.py --opt ${config.optimizer}"),
      line: 3,
      key: "command",
      message: /'optimizer' is neither in config nor in space/,
    },
    {
      name: "an unterminated quote in the command",
      text: withLine(3, `command: python train.py '--x`),
      line: 3,
      key: "command",
      message: /unterminated single quote/,
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with its line and key`, () => {
      const error = yamlError(c.text);
      expect(error.code).toBe("INVALID_ARGUMENT");
      expect(error.status).toBe(400);
      expect(error.details).toMatchObject({ line: c.line, key: c.key });
      expect(error.message).toMatch(c.message);
      expect(error.message.startsWith(`sweep: line ${c.line}: ${c.key}: `)).toBe(true);
    });
  }

  it("reports every issue in details, each with its line", () => {
    const error = yamlError(withLine(9, "method: grid\ncolour: blue"));
    expect(error.details).toMatchObject({
      issues: [
        { line: 10, key: "colour", message: "unknown key 'colour'" },
        { line: 6, key: "space.lr" },
      ],
    });
    expect(error.message).toMatch(/\(and 1 more\)$/);
  });

  it("names the line of a YAML syntax error and of a duplicate key", () => {
    const syntax = yamlError(withLine(7, "  model.width: [128, 256"));
    expect(syntax.details).toMatchObject({ line: 8, key: null });
    expect(syntax.message).toMatch(/^sweep: line 8: /);
    const duplicate = yamlError(withLine(9, "method: bayes\nmethod: random"));
    expect(duplicate.details).toMatchObject({ line: 10 });
    expect(duplicate.message).toMatch(/Map keys must be unique/);
  });

  it("refuses an empty file and a file that is not a mapping", () => {
    expect(yamlError("# nothing\n").message).toBe("sweep: line 1: the sweep file is empty");
    expect(yamlError("- a\n- b\n").details).toMatchObject({ line: 1, key: "(top level)" });
  });

  it("validates API bodies the same way, without lines", () => {
    expect(() =>
      resolveSweepSpec({
        project: "p",
        command: ["python"],
        space: {},
        method: "random",
        objective: { metric: "m", goal: "min" },
        budget: { runs: 1 },
      }),
    ).toThrow("sweep: space: the search space is empty");
  });
});
