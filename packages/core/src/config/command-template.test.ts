// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
import { describe, expect, it } from "vitest";
import { LooplabError } from "../errors.js";
import { CommandSyntaxError, fillCommand, splitCommand } from "./command-template.js";

describe("splitCommand", () => {
  it("splits words and honours quotes and escapes", () => {
    expect(splitCommand("python train.py --config ${config_file}")).toEqual([
      "python",
      "train.py",
      "--config",
      "${config_file}",
    ]);
    expect(splitCommand(`python -c 'print("a b")'  "x y" a\\ b ""`)).toEqual([
      "python",
      "-c",
      'print("a b")',
      "x y",
      "a b",
      "",
    ]);
    expect(splitCommand(`echo "say \\"hi\\" \\$HOME \\n"`)).toEqual(["echo", 'say "hi" $HOME \\n']);
    expect(splitCommand("a'b'\"c\"d")).toEqual(["abcd"]);
  });

  it("refuses unterminated quotes and empty commands", () => {
    expect(() => splitCommand("python 'oops")).toThrow(new CommandSyntaxError("unterminated single quote at column 8"));
    expect(() => splitCommand('python "oops')).toThrow(/unterminated double quote at column 8/);
    expect(() => splitCommand("   ")).toThrow(/empty command/);
    expect(() => splitCommand("a \\")).toThrow(/trailing backslash/);
  });
});

describe("fillCommand", () => {
  const context = {
    configFile: "/tmp/run/config.json",
    runId: "ab".repeat(16),
    config: { lr: 0.001, tiny: 1e-7, model: { depth: 3, name: "resnet" }, layers: [64, 32], on: false },
  };

  it("fills every placeholder, passing arguments as written", () => {
    expect(
      fillCommand(
        [
          "python",
          "train.py",
          "--config",
          "${config_file}",
          "--run=${run_id}",
          "--lr",
          "${config.lr}",
          "--eps=${config.tiny}",
          "${config.model.name}-${config.model.depth}",
          "${config.layers}",
          "${config.model}",
          "${config.on}",
          "a b; rm -rf /",
        ],
        context,
      ),
    ).toEqual([
      "python",
      "train.py",
      "--config",
      "/tmp/run/config.json",
      `--run=${"ab".repeat(16)}`,
      "--lr",
      "0.001",
      "--eps=1e-7",
      "resnet-3",
      "[64,32]",
      '{"depth":3,"name":"resnet"}',
      "false",
      "a b; rm -rf /",
    ]);
  });

  it("writes a literal ${ for $${ and leaves other dollars alone", () => {
    expect(fillCommand(["echo", "$${HOME}", "$HOME", "$"], context)).toEqual(["echo", "${HOME}", "$HOME", "$"]);
  });

  it("refuses unknown placeholders and missing config keys, naming them", () => {
    const unknown = (() => {
      try {
        fillCommand(["python", "${HOME}"], context);
      } catch (error) {
        return error as LooplabError;
      }
    })();
    expect(unknown).toBeInstanceOf(LooplabError);
    expect(unknown?.code).toBe("INVALID_ARGUMENT");
    expect(unknown?.message).toMatch(/^command argument 2: unknown placeholder \$\{HOME\}/);
    expect(unknown?.details).toEqual({ argument: 1, placeholder: "${HOME}" });
    expect(() => fillCommand(["${config.model.width}"], context)).toThrow(
      "command argument 1: ${config.model.width}: the config has no key 'model.width'",
    );
    expect(() => fillCommand(["--x=${config_file"], context)).toThrow(/unterminated placeholder/);
    expect(() => fillCommand(["${config.}"], context)).toThrow(/unknown placeholder/);
  });
});
