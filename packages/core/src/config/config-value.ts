/**
 * Typed parsing of one value written on a command line (`--set lr=1e-3`): numbers stay numbers,
 * `true`/`false`/`null` are what they say, JSON arrays and objects are parsed, quoted text stays
 * text (`"3"` is the string 3), anything else is a string.
 */
const numberPattern = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export class ConfigValueError extends Error {
  override name = "ConfigValueError";
}

export function parseConfigValue(text: string): unknown {
  const value = text.trim();
  if (value === "true") return true;
  if (value === "false") return false;
  if (value === "null") return null;
  if (numberPattern.test(value)) {
    const n = Number(value);
    if (!Number.isFinite(n)) throw new ConfigValueError(`'${value}' is out of range for a number`);
    return n;
  }
  const first = value[0];
  if (first === '"') {
    if (value.length < 2 || !value.endsWith('"')) throw new ConfigValueError(`unterminated string ${value}`);
    try {
      return JSON.parse(value) as string;
    } catch {
      throw new ConfigValueError(`malformed string ${value}`);
    }
  }
  if (first === "'") {
    if (value.length < 2 || !value.endsWith("'")) throw new ConfigValueError(`unterminated string ${value}`);
    return value.slice(1, -1);
  }
  if (first === "[" || first === "{") {
    try {
      return JSON.parse(value) as unknown;
    } catch (error) {
      throw new ConfigValueError(`malformed JSON ${value}: ${(error as Error).message}`);
    }
  }
  return unescapeBare(value);
}

/** In bare (unquoted) text `\,` stands for a comma and `\\` for a backslash. */
function unescapeBare(text: string): string {
  return text.replace(/\\([\\,])/g, "$1");
}

/**
 * Splits the value part of an override at top-level commas: commas inside quotes, inside JSON
 * brackets or escaped as `\,` do not split. Returns the raw items (still escaped).
 */
export function splitConfigList(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") depth = Math.max(0, depth - 1);
    else if (ch === "," && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote) throw new ConfigValueError(`unterminated ${quote === '"' ? "double" : "single"} quote`);
  items.push(text.slice(start));
  return items;
}

/**
 * Renders a config value as a program expects it in its arguments: numbers in shortest
 * round-trip form (`0.001`, `1e-7`), strings raw, booleans and null as JSON words, arrays and
 * objects as JSON.
 */
export function renderConfigValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return Object.is(value, -0) ? "0" : String(value);
  if (value === undefined) return "";
  return JSON.stringify(value);
}
