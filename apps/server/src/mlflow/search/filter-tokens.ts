import { invalidParameter } from "../mlflow-errors.js";

/**
 * Tokens of MLflow's search grammar (MLFLOW-API.md §6): identifiers (`metrics.acc`,
 * `attributes.start_time`), quoted keys (`` `my metric` `` or `"my metric"` after `entity.`),
 * strings ('…' or "…"), numbers, comparators, parentheses and commas.
 */
export type Token =
  | { kind: "word"; text: string; at: number }
  | { kind: "backtick"; text: string; at: number }
  | { kind: "dquote"; text: string; at: number }
  | { kind: "squote"; text: string; at: number }
  | { kind: "number"; text: string; value: number; at: number }
  | { kind: "op"; text: string; at: number }
  | { kind: "punct"; text: "(" | ")" | ","; at: number };

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;
const WORD = /^[A-Za-z_][\w./:-]*/;

function readQuoted(text: string, start: number, quote: string): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw invalidParameter(`Invalid filter: unterminated ${quote} at position ${start}`);
    const ch = text[i] as string;
    if (ch === "\\" && i + 1 < text.length) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i++;
  }
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === "(" || ch === ")" || ch === ",") {
      tokens.push({ kind: "punct", text: ch, at: i });
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === "!=" || two === "<>" || two === "<=" || two === ">=") {
      tokens.push({ kind: "op", text: two === "<>" ? "!=" : two, at: i });
      i += 2;
      continue;
    }
    if (ch === "=" || ch === "<" || ch === ">") {
      tokens.push({ kind: "op", text: ch, at: i });
      i++;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === "`") {
      const { value, end } = readQuoted(text, i, ch);
      tokens.push({ kind: ch === "'" ? "squote" : ch === '"' ? "dquote" : "backtick", text: value, at: i });
      i = end;
      continue;
    }
    const rest = text.slice(i);
    const number = NUMBER.exec(rest);
    if (number && !/[A-Za-z_]/.test(rest[number[0].length] ?? "")) {
      tokens.push({ kind: "number", text: number[0], value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const word = WORD.exec(rest);
    if (word) {
      tokens.push({ kind: "word", text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    throw invalidParameter(`Invalid filter: unexpected character '${ch}' at position ${i}`);
  }
  return tokens;
}
