/**
 * Defaults + dotted-path overrides (`--set model.depth=3,4`). A comma list expands to a grid:
 * the cartesian product of all lists, in a stable order where the first override varies slowest.
 */
import { invalidArgument, type LooplabError } from "../errors.js";
import { ConfigValueError, parseConfigValue, splitConfigList } from "./config-value.js";

export interface ConfigOverride {
  /** The override as written, for error messages. */
  text: string;
  path: string;
  /** One value, or several when the override is a comma list (a grid axis). */
  values: unknown[];
}

/** Most configurations a grid of overrides may expand to. */
export const MAX_OVERRIDE_GRID = 10_000;

const segmentPattern = /^[^\s.=]+$/;

function overrideError(text: string, message: string): LooplabError {
  return invalidArgument(`override '${text}': ${message}`, { override: text });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Splits and checks a dotted path (`model.depth`): non-empty segments without spaces. */
export function parseConfigPath(path: string): string[] {
  const parts = path.split(".");
  if (parts.some((part) => !segmentPattern.test(part))) {
    throw new ConfigValueError(`'${path}' is not a dotted key (e.g. model.depth)`);
  }
  return parts;
}

/** Parses `KEY=VALUE` or `KEY=V1,V2,…` (see `parseConfigValue` for how each value is typed). */
export function parseOverride(text: string): ConfigOverride {
  const eq = text.indexOf("=");
  if (eq < 0) throw overrideError(text, "expected KEY=VALUE (e.g. lr=0.01 or model.depth=3,4)");
  const path = text.slice(0, eq).trim();
  try {
    parseConfigPath(path);
    const values = splitConfigList(text.slice(eq + 1)).map(parseConfigValue);
    return { text, path, values };
  } catch (error) {
    if (error instanceof ConfigValueError) throw overrideError(text, error.message);
    throw error;
  }
}

/**
 * Sets `path` in `config` in place, creating intermediate objects. Refuses to descend into a
 * value that is not an object (`lr.x` when `lr` is a number) rather than silently replacing it.
 */
export function setConfigPath(config: Record<string, unknown>, path: string, value: unknown): void {
  const parts = parseConfigPath(path);
  let node = config;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const child = node[part];
    if (child === undefined) node[part] = {};
    else if (!isPlainObject(child)) {
      throw new ConfigValueError(`'${parts.slice(0, i + 1).join(".")}' is not an object`);
    }
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = structuredClone(value);
}

/** Defaults with each `path → value` assignment applied (a new object; the defaults are not changed). */
export function applyAssignments(
  defaults: Record<string, unknown>,
  assignments: Record<string, unknown>,
): Record<string, unknown> {
  const config = structuredClone(defaults);
  for (const [path, value] of Object.entries(assignments)) setConfigPath(config, path, value);
  return config;
}

/** Number of configurations the overrides expand to (product of the list lengths). */
export function overrideGridSize(overrides: readonly ConfigOverride[]): number {
  return overrides.reduce((size, o) => size * o.values.length, 1);
}

/**
 * Expands overrides into configurations: the cartesian product of every override's values applied
 * over the defaults, first override varying slowest. No overrides → the defaults alone.
 */
export function expandOverrides(
  defaults: Record<string, unknown>,
  overrideTexts: readonly string[],
): Record<string, unknown>[] {
  const overrides = overrideTexts.map(parseOverride);
  const seen = new Map<string, string>();
  for (const o of overrides) {
    const earlier = seen.get(o.path);
    if (earlier !== undefined) throw overrideError(o.text, `'${o.path}' is already set by '${earlier}'`);
    seen.set(o.path, o.text);
  }
  for (const a of overrides) {
    for (const b of overrides) {
      if (a !== b && b.path.startsWith(`${a.path}.`)) {
        throw overrideError(b.text, `'${b.path}' is inside '${a.path}', which '${a.text}' sets whole`);
      }
    }
  }
  const size = overrideGridSize(overrides);
  if (size > MAX_OVERRIDE_GRID) {
    throw invalidArgument(`overrides expand to ${size} configurations; at most ${MAX_OVERRIDE_GRID} are allowed`, {
      overrides: overrideTexts,
    });
  }
  const configs: Record<string, unknown>[] = [];
  for (let index = 0; index < size; index++) {
    const config = structuredClone(defaults);
    let rest = index;
    // Mixed radix with the last override as the fastest digit.
    const picks: number[] = new Array(overrides.length);
    for (let i = overrides.length - 1; i >= 0; i--) {
      const n = (overrides[i] as ConfigOverride).values.length;
      picks[i] = rest % n;
      rest = Math.floor(rest / n);
    }
    overrides.forEach((o, i) => {
      try {
        setConfigPath(config, o.path, o.values[picks[i] as number]);
      } catch (error) {
        if (error instanceof ConfigValueError) throw overrideError(o.text, error.message);
        throw error;
      }
    });
    configs.push(config);
  }
  return configs;
}
