// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${…} placeholders are literal text here
/**
 * Commands are argv arrays, passed to the program as written (no shell). A command given as one
 * string is split with shell-like quoting; placeholders `${config_file}`, `${run_id}` and
 * `${config.KEY}` are then filled in each argument. `$${` writes a literal `${`.
 */
import { invalidArgument } from "../errors.js";
import { getConfigPath } from "./config-paths.js";
import { renderConfigValue } from "./config-value.js";

export class CommandSyntaxError extends Error {
  override name = "CommandSyntaxError";
}

/**
 * Splits a command line into arguments like a POSIX shell does for words and quotes only:
 * whitespace separates; '…' is literal; "…" allows \" \\ \$ \` escapes; a backslash outside
 * quotes escapes the next character. No variables, globs, pipes or comments.
 */
export function splitCommand(text: string): string[] {
  const args: string[] = [];
  let current = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      if (inWord) args.push(current);
      current = "";
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new CommandSyntaxError(`unterminated single quote at column ${i + 1}`);
      current += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw new CommandSyntaxError(`unterminated double quote at column ${i + 1}`);
        const c = text[j] as string;
        if (c === '"') break;
        if (c === "\\" && j + 1 < text.length && '"\\$`'.includes(text[j + 1] as string)) {
          current += text[j + 1];
          j += 2;
        } else {
          current += c;
          j++;
        }
      }
      inWord = true;
      i = j + 1;
    } else if (ch === "\\") {
      if (i + 1 >= text.length) throw new CommandSyntaxError("trailing backslash");
      current += text[i + 1];
      inWord = true;
      i += 2;
    } else {
      current += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) args.push(current);
  if (args.length === 0) throw new CommandSyntaxError("empty command");
  return args;
}

export interface CommandContext {
  /** Path of the JSON file holding the run's config, as the program will see it. */
  configFile: string;
  runId: string;
  config: Record<string, unknown>;
}

const placeholderPattern = /\$\$\{|\$\{([^}]*)\}/g;

/** Placeholders a command may use, for error messages and docs. */
export const commandPlaceholders = ["${config_file}", "${run_id}", "${config.KEY}"] as const;

function fillArgument(arg: string, index: number, context: CommandContext): string {
  let result = "";
  let last = 0;
  for (const match of arg.matchAll(placeholderPattern)) {
    result += arg.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === "$${") {
      result += "${";
      continue;
    }
    const name = (match[1] ?? "").trim();
    if (name === "config_file") result += context.configFile;
    else if (name === "run_id") result += context.runId;
    else if (name.startsWith("config.") && name.length > "config.".length) {
      const key = name.slice("config.".length);
      const value = getConfigPath(context.config, key);
      if (value === undefined) {
        throw invalidArgument(`command argument ${index + 1}: \${${name}}: the config has no key '${key}'`, {
          argument: index,
          placeholder: match[0],
        });
      }
      result += renderConfigValue(value);
    } else {
      throw invalidArgument(
        `command argument ${index + 1}: unknown placeholder ${match[0]}; use ${commandPlaceholders.join(", ")} (or $\${ for a literal \${)`,
        { argument: index, placeholder: match[0] },
      );
    }
  }
  const rest = arg.slice(last);
  if (/\$\{/.test(rest)) {
    throw invalidArgument(`command argument ${index + 1}: unterminated placeholder in '${arg}'`, {
      argument: index,
    });
  }
  return result + rest;
}

/** Fills the placeholders of every argument; an unknown placeholder or missing config key is an error. */
export function fillCommand(argv: readonly string[], context: CommandContext): string[] {
  return argv.map((arg, index) => fillArgument(arg, index, context));
}

/** Checks a command's placeholders without a run (e.g. when a sweep is created); config keys are checked against `config`. */
export function checkCommandPlaceholders(argv: readonly string[], config: Record<string, unknown>): void {
  fillCommand(argv, { configFile: "config.json", runId: "0".repeat(32), config });
}
