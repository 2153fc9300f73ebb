import { isLooplabError, parseFilter, quoteSegment, runAttributes, runStatuses } from "@looplab/core";
import type { KeyCatalog } from "./key-catalog.js";

/**
 * The filter box's completion model (pure): where the cursor is in the filter language (typing a
 * field, an operator, a value or a connective), what is being replaced, and what to offer.
 * Errors come from the real core parser, so the box and the server agree on every column.
 */

export type CompletionKind = "field" | "operator" | "value" | "connective";

export interface CompletionContext {
  kind: CompletionKind;
  /** Text range [from, to) that a chosen suggestion replaces. */
  from: number;
  to: number;
  /** What the user has typed of the current token (string contents without the quote). */
  prefix: string;
  /** For values: the field they compare against (as typed), or the `has` scope. */
  field: string | null;
}

export interface Suggestion {
  label: string;
  insert: string;
  kind: CompletionKind;
  detail?: string;
}

interface Tok {
  type: "word" | "string" | "number" | "op" | "lparen" | "rparen" | "comma";
  text: string;
  start: number;
  end: number;
}

const isBare = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_/-]/.test(c);
const isWordStart = (c: string | undefined) => c !== undefined && (/[A-Za-z_]/.test(c) || c === "`");
const keywords = new Set(["and", "or", "not", "in", "has", "exists", "is", "null", "true", "false"]);
const scopes = new Set(["tags", "config", "metrics"]);

function scan(text: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (isWordStart(c)) {
      while (i < text.length) {
        if (text[i] === "`") {
          i++;
          while (i < text.length && text[i] !== "`") i++;
          if (i < text.length) i++;
        } else if (isBare(text[i]) || text[i] === ".") i++;
        else break;
      }
      out.push({ type: "word", text: text.slice(start, i), start, end: i });
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === "\\" ? 2 : 1;
      if (i < text.length) i++;
      out.push({
        type: "string",
        text: text.slice(start, Math.min(i, text.length)),
        start,
        end: Math.min(i, text.length),
      });
    } else if (/[0-9.]/.test(c) || (c === "-" && /[0-9.]/.test(text[i + 1] ?? ""))) {
      i++;
      while (i < text.length && /[0-9.eE+-]/.test(text[i] as string)) i++;
      out.push({ type: "number", text: text.slice(start, i), start, end: i });
    } else if (c === "(" || c === ")" || c === ",") {
      i++;
      out.push({ type: c === "(" ? "lparen" : c === ")" ? "rparen" : "comma", text: c, start, end: i });
    } else if ("=!<>~".includes(c)) {
      while (i < text.length && "=!<>~".includes(text[i] as string)) i++;
      out.push({ type: "op", text: text.slice(start, i), start, end: i });
    } else {
      i++;
    }
  }
  return out;
}

const lower = (t: Tok | undefined) => (t?.type === "word" ? t.text.toLowerCase() : null);
const isFieldWord = (t: Tok | undefined) => t?.type === "word" && !keywords.has(t.text.toLowerCase());

/** Finds the field of an unclosed `field [not] in (` list that ends the tokens, if any. */
function openInList(tokens: Tok[]): string | null {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i] as Tok;
    if (t.type === "rparen") depth++;
    else if (t.type === "lparen") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (lower(tokens[i - 1]) !== "in") return null;
      const before = lower(tokens[i - 2]) === "not" ? tokens[i - 3] : tokens[i - 2];
      return isFieldWord(before) ? (before as Tok).text : null;
    }
  }
  return null;
}

export function completionContext(text: string, cursor: number): CompletionContext {
  const tokens = scan(text.slice(0, cursor));
  let from = cursor;
  let prefix = "";
  const last = tokens[tokens.length - 1];
  const typing = last !== undefined && last.end === cursor && ["word", "string", "number"].includes(last.type);
  if (typing && last) {
    tokens.pop();
    from = last.start;
    prefix = last.type === "string" ? last.text.slice(1).replace(/["']$/, "") : last.text;
  }
  let to = cursor;
  while (to < text.length && (isBare(text[to]) || text[to] === ".")) to++;
  const ctx = (kind: CompletionKind, field: string | null = null): CompletionContext => ({
    kind,
    from,
    to,
    prefix,
    field,
  });

  const prev = tokens[tokens.length - 1];
  const prevWord = lower(prev);
  if (prev === undefined || prev.type === "lparen" || prevWord === "and" || prevWord === "or") {
    const inList = prev?.type === "lparen" ? openInList(tokens) : null;
    return inList ? ctx("value", inList) : ctx("field");
  }
  if (prev.type === "comma") {
    const inList = openInList(tokens);
    return inList ? ctx("value", inList) : ctx("field");
  }
  if (prev.type === "op") {
    const field = tokens[tokens.length - 2];
    return ctx("value", isFieldWord(field) ? (field as Tok).text : null);
  }
  if (prevWord === "not") {
    return isFieldWord(tokens[tokens.length - 2])
      ? ctx("operator", tokens[tokens.length - 2]?.text ?? null)
      : ctx("field");
  }
  if (prevWord === "is") return ctx("operator", "is");
  if (prevWord === "has") return ctx("value", lower(tokens[tokens.length - 2]) ?? null);
  if (prevWord === "in") return ctx("operator", "in");
  if (prev.type === "word" && !keywords.has(prevWord ?? "")) return ctx("operator", prev.text);
  return ctx("connective");
}

const operators = ["=", "!=", "<", "<=", ">", ">=", "~", "!~", "in (", "not in (", "exists", "not exists", "is null"];

export interface SuggestOptions {
  /** Values from the values endpoint for `ctx.field` (literal texts), once it answered. */
  values?: readonly string[] | undefined;
  limit?: number;
}

function rank(candidates: Suggestion[], prefix: string, limit: number): Suggestion[] {
  const p = prefix.toLowerCase();
  if (p === "") return candidates.slice(0, limit);
  const starts: Suggestion[] = [];
  const contains: Suggestion[] = [];
  for (const s of candidates) {
    const label = s.label.toLowerCase();
    // Typed without quotes or backticks still matches: `tags.my` finds tags.`my tag`.
    const bare = label.replace(/^["']/, "").replaceAll("`", "");
    if (label.startsWith(p) || bare.startsWith(p)) starts.push(s);
    else if (label.includes(p) || bare.includes(p)) contains.push(s);
  }
  return [...starts, ...contains].slice(0, limit);
}

export function fieldSuggestions(catalog: KeyCatalog): Suggestion[] {
  const out: Suggestion[] = runAttributes.map((a) => ({ label: a, insert: a, kind: "field" as const, detail: "run" }));
  for (const c of catalog.config) {
    const text = ["config", ...c.segments.map(quoteSegment)].join(".");
    out.push({ label: text, insert: text, kind: "field", detail: "config" });
  }
  for (const m of catalog.metrics) {
    const base = `metrics.${quoteSegment(m.key)}`;
    for (const agg of ["last", "min", "max", "mean", "best", "count"]) {
      if (agg === "best" && !m.goal) continue;
      out.push({
        label: `${base}.${agg}`,
        insert: `${base}.${agg}`,
        kind: "field",
        detail: agg === "best" ? `best (${m.goal})` : "metric",
      });
    }
  }
  for (const t of catalog.tags) {
    const text = `tags.${quoteSegment(t)}`;
    out.push({ label: text, insert: text, kind: "field", detail: "tag" });
  }
  out.push({ label: "not", insert: "not", kind: "connective" });
  out.push({ label: 'tags has "…"', insert: "tags has", kind: "field", detail: "label exists" });
  return out;
}

export function suggest(ctx: CompletionContext, catalog: KeyCatalog, options: SuggestOptions = {}): Suggestion[] {
  const limit = options.limit ?? 12;
  switch (ctx.kind) {
    case "field":
      return rank(fieldSuggestions(catalog), ctx.prefix, limit);
    case "connective":
      return rank(
        ["and", "or"].map((w) => ({ label: w, insert: w, kind: "connective" as const })),
        ctx.prefix,
        limit,
      );
    case "operator": {
      if (ctx.field === "is")
        return rank(
          ["null", "not null"].map((w) => ({ label: w, insert: w, kind: "operator" as const })),
          ctx.prefix,
          limit,
        );
      if (ctx.field === "in") return [{ label: "(", insert: "(", kind: "operator" }];
      const field = ctx.field?.toLowerCase() ?? "";
      const list = scopes.has(field) ? ["has"] : field === "status" ? ["=", "!=", "in (", "not in ("] : operators;
      return rank(
        list.map((op) => ({ label: op, insert: op, kind: "operator" as const })),
        ctx.prefix,
        limit,
      );
    }
    case "value": {
      const field = ctx.field ?? "";
      let values: readonly string[];
      if (scopes.has(field.toLowerCase())) {
        const scope = field.toLowerCase();
        const keys =
          scope === "tags"
            ? catalog.tags
            : scope === "metrics"
              ? catalog.metrics.map((m) => m.key)
              : catalog.config.map((c) => c.path);
        values = keys.map((k) => `"${k.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`);
      } else {
        // Until the values endpoint answers, statuses (a closed set) are known anyway.
        values = options.values ?? (canonicalField(field) === "status" ? runStatuses.map((s) => `"${s}"`) : []);
      }
      return rank(
        values.map((v) => ({ label: v, insert: v, kind: "value" as const })),
        ctx.prefix,
        limit,
      );
    }
  }
}

/** Field names are case-insensitive; keys are not. */
function canonicalField(field: string): string {
  const dot = field.indexOf(".");
  const head = (dot < 0 ? field : field.slice(0, dot)).toLowerCase();
  const attribute = runAttributes.find((a) => a.toLowerCase() === head);
  if (dot < 0) return attribute ?? field;
  return head + field.slice(dot);
}

/** Replaces the context's range with the suggestion and a separating space; returns the new text and cursor. */
export function applySuggestion(text: string, ctx: CompletionContext, s: Suggestion): { text: string; cursor: number } {
  const before = text.slice(0, ctx.from);
  const after = text.slice(ctx.to);
  if (s.insert.endsWith("(")) return { text: before + s.insert + after, cursor: ctx.from + s.insert.length };
  const glue = after.startsWith(" ") ? "" : " ";
  return { text: before + s.insert + glue + after, cursor: ctx.from + s.insert.length + 1 };
}

export interface FilterProblem {
  message: string;
  /** 1-based column where parsing failed. */
  column: number;
}

/** Parses with the core parser; null when the filter is valid (or empty). */
export function filterProblem(text: string): FilterProblem | null {
  try {
    parseFilter(text);
    return null;
  } catch (error) {
    if (isLooplabError(error)) return problemFromMessage(error.message, error.details);
    return { message: String(error), column: 1 };
  }
}

/** Reads the column from an error's details (client parser or the server's 400 body). */
export function problemFromMessage(message: string, details: unknown): FilterProblem {
  const fromDetails =
    details !== null && typeof details === "object" && typeof (details as { column?: unknown }).column === "number"
      ? (details as { column: number }).column
      : null;
  const fromText = /at column (\d+)/.exec(message);
  const column = fromDetails ?? (fromText ? Number(fromText[1]) : 1);
  return { message: message.replace(/^filter: /, ""), column };
}
