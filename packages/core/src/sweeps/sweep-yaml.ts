/**
 * Reads a sweep file (YAML). Every error names the line and the key: YAML syntax errors by their
 * position, validation errors by the line of the key they concern (the parent key's line when
 * a required key is missing).
 */
import { isMap, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { invalidArgument } from "../errors.js";
import { type IssueLocator, type ResolvedSweep, resolveSweepSpec } from "./sweep-spec.js";

/** Largest sweep file accepted (bytes of text). */
export const MAX_SWEEP_FILE_CHARS = 1_000_000;

function keyText(node: unknown): string | null {
  if (node && typeof node === "object" && "value" in node) {
    const value = (node as { value: unknown }).value;
    return typeof value === "string" || typeof value === "number" ? String(value) : null;
  }
  return null;
}

/** Finds the line of the deepest node of the document along a key path. */
function createLocator(contents: Node | null, lines: LineCounter): IssueLocator {
  const lineOf = (offset: number) => lines.linePos(offset).line;
  return (path) => {
    let node: unknown = contents;
    let offset = contents?.range?.[0] ?? 0;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => keyText(item.key) === String(part));
        if (!pair) break;
        const keyRange = (pair.key as Node | null)?.range;
        if (keyRange) offset = keyRange[0];
        node = pair.value;
      } else if (isSeq(node) && typeof part === "number") {
        const item = node.items[part] as Node | undefined;
        if (!item?.range) break;
        offset = item.range[0];
        node = item;
      } else break;
    }
    return lineOf(offset);
  };
}

/** Parses and validates a sweep file; bad input → INVALID_ARGUMENT with `line` and `key` in details. */
export function parseSweepYaml(text: string): ResolvedSweep {
  if (text.length > MAX_SWEEP_FILE_CHARS) {
    throw invalidArgument(`sweep: the file is larger than ${MAX_SWEEP_FILE_CHARS} characters`, {
      line: null,
      key: null,
    });
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = syntax.linePos?.[0]?.line ?? lines.linePos(syntax.pos[0]).line;
    const message = syntax.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "") ?? syntax.message;
    throw invalidArgument(`sweep: line ${line}: ${message}`, {
      line,
      key: null,
      issues: [{ line, key: null, message }],
    });
  }
  const locate = createLocator(doc.contents as Node | null, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalidArgument(`sweep: ${(error as Error).message}`, { line: null, key: null });
  }
  if (value === null || value === undefined) {
    throw invalidArgument("sweep: line 1: the sweep file is empty", { line: 1, key: null });
  }
  return resolveSweepSpec(value, locate);
}
