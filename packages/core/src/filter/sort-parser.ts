import type { SortKey } from "./filter-ast.js";
import { queryError } from "./filter-error.js";
import { resolveField } from "./filter-fields.js";
import { describeToken, type Token, tokenize } from "./filter-lexer.js";

export const MAX_SORT_KEYS = 16;

/**
 * Parses a sort specification: comma-separated fields, each optionally prefixed with `-`
 * (descending) or `+`, or followed by `asc`/`desc`: `-metrics.val/acc.max,name`.
 * Every filterable field is sortable. Returns [] for empty text.
 */
export function parseSort(text: string): SortKey[] {
  const tokens = tokenize(text, "sort");
  let index = 0;
  const next = (): Token => tokens[Math.min(index++, tokens.length - 1)] as Token;
  const peek = (): Token => tokens[Math.min(index, tokens.length - 1)] as Token;
  const keys: SortKey[] = [];
  if (peek().kind === "eof") return keys;

  for (;;) {
    let token = next();
    const column = token.column;
    let descending = false;
    if (token.kind === "minus" || token.kind === "plus") {
      descending = token.kind === "minus";
      token = next();
    }
    if (token.kind !== "path") {
      const after = keys.length === 0 && column === token.column ? "" : " after ','";
      throw queryError("sort", `expected a field${after}, found ${describeToken(token)}`, token.column, {
        found: describeToken(token),
      });
    }
    const field = resolveField(token, "sort");
    const direction = peek();
    if (direction.kind === "path" && direction.segments.length === 1 && !direction.segments[0]?.quoted) {
      const word = direction.segments[0]?.text.toLowerCase();
      if (word === "asc" || word === "desc") {
        next();
        descending = word === "desc";
      }
    }
    keys.push({ field, descending, column });
    if (keys.length > MAX_SORT_KEYS) throw queryError("sort", `more than ${MAX_SORT_KEYS} sort keys`, column);
    const separator = next();
    if (separator.kind === "eof") return keys;
    if (separator.kind !== "comma") {
      throw queryError("sort", `expected ',' or the end, found ${describeToken(separator)}`, separator.column, {
        found: describeToken(separator),
      });
    }
  }
}
