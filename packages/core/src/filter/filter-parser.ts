import type { CompareOp, FieldRef, FilterExpr, Literal } from "./filter-ast.js";
import { queryError } from "./filter-error.js";
import { type PathToken, pathText, resolveField } from "./filter-fields.js";
import { describeToken, type Token, tokenize } from "./filter-lexer.js";
import { checkPattern, checkValue } from "./filter-values.js";

/**
 * Recursive-descent parser of the run filter language (DESIGN.md §6):
 *
 *   filter    := or?
 *   or        := and ("or" and)*
 *   and       := unary ("and" unary)*
 *   unary     := "not" unary | "(" or ")" | predicate
 *   predicate := field op value | field ["not"] "in" "(" value ("," value)* ")"
 *              | field ["not"] "exists" | field "is" ["not"] "null"
 *              | ("tags" | "config" | "metrics") "has" string
 *
 * Keywords are case-insensitive; `not` binds tighter than `and`, which binds tighter than `or`.
 */

export const MAX_FILTER_DEPTH = 64;
export const MAX_FILTER_PREDICATES = 256;

const keywords = new Set(["and", "or", "not", "in", "has", "exists", "is", "null", "true", "false"]);
const hasScopes = new Set(["tags", "config", "metrics"]);
const operatorHelp = "=, !=, <, <=, >, >=, ~, !~, in, not in, exists or is null";

/** Parses filter text; returns null for an empty filter (every run matches). */
export function parseFilter(text: string): FilterExpr | null {
  const parser = new FilterParser(tokenize(text, "filter"));
  return parser.parseFilter();
}

function keywordOf(token: Token): string | null {
  if (token.kind !== "path" || token.segments.length !== 1) return null;
  const [segment] = token.segments;
  if (!segment || segment.quoted) return null;
  const word = segment.text.toLowerCase();
  return keywords.has(word) || hasScopes.has(word) ? word : null;
}

class FilterParser {
  private index = 0;
  private depth = 0;
  private predicates = 0;

  constructor(private readonly tokens: Token[]) {}

  parseFilter(): FilterExpr | null {
    if (this.peek().kind === "eof") return null;
    const expr = this.parseOr();
    const rest = this.peek();
    if (rest.kind !== "eof") {
      const message =
        rest.kind === "rparen" ? "unmatched ')'" : `expected 'and', 'or' or the end, found ${describeToken(rest)}`;
      throw queryError("filter", message, rest.column, { found: describeToken(rest) });
    }
    return expr;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "eof") this.index++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    return keywordOf(this.peek(offset)) === word;
  }

  private enter(column: number): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw queryError("filter", `the filter nests more than ${MAX_FILTER_DEPTH} levels deep`, column);
    }
  }

  private parseOr(): FilterExpr {
    const first = this.parseAnd();
    const items = [first];
    while (this.isKeyword("or")) {
      this.next();
      items.push(this.parseAnd());
    }
    return items.length === 1 ? first : { kind: "or", items: flatten("or", items), column: first.column };
  }

  private parseAnd(): FilterExpr {
    const first = this.parseUnary();
    const items = [first];
    while (this.isKeyword("and")) {
      this.next();
      items.push(this.parseUnary());
    }
    return items.length === 1 ? first : { kind: "and", items: flatten("and", items), column: first.column };
  }

  private parseUnary(): FilterExpr {
    const token = this.peek();
    this.enter(token.column);
    try {
      if (this.isKeyword("not")) {
        this.next();
        return { kind: "not", item: this.parseUnary(), column: token.column };
      }
      if (token.kind === "lparen") {
        this.next();
        if (this.peek().kind === "rparen")
          throw queryError("filter", "expected a condition after '('", this.peek().column);
        const inner = this.parseOr();
        const close = this.peek();
        if (close.kind !== "rparen") {
          throw queryError(
            "filter",
            `expected ')' (to close the '(' of column ${token.column}), found ${describeToken(close)}`,
            close.column,
            {
              found: describeToken(close),
            },
          );
        }
        this.next();
        return inner;
      }
      return this.parsePredicate();
    } finally {
      this.depth--;
    }
  }

  private parsePredicate(): FilterExpr {
    const token = this.next();
    const after = this.index > 1 ? this.tokens[this.index - 2] : undefined;
    if (token.kind !== "path" || (keywords.has(keywordOf(token) ?? "") && !this.isKeyword("has"))) {
      const where = after ? ` after ${describeToken(after)}` : "";
      throw queryError(
        "filter",
        `expected a field, 'not' or '('${where}, found ${describeToken(token)}`,
        token.column,
        {
          found: describeToken(token),
        },
      );
    }
    this.predicates++;
    if (this.predicates > MAX_FILTER_PREDICATES) {
      throw queryError("filter", `the filter has more than ${MAX_FILTER_PREDICATES} conditions`, token.column);
    }
    const scope = keywordOf(token);
    if (scope !== null && hasScopes.has(scope) && this.isKeyword("has")) return this.parseHas(token, scope);

    const field = resolveField(token, "filter");
    const opToken = this.peek();
    if (opToken.kind === "op") {
      this.next();
      if (opToken.op === "~" || opToken.op === "!~") {
        const literal = this.parseLiteral(`'${opToken.op}'`);
        const pattern = literal === null ? this.nullPattern(opToken) : checkPattern(field, opToken.op, literal);
        return { kind: "match", field, op: opToken.op, pattern, column: token.column };
      }
      return this.parseComparison(field, opToken.op, token.column);
    }
    const word = keywordOf(opToken);
    if (word === "in") return this.parseIn(field, false, token.column);
    if (word === "exists") {
      this.next();
      return { kind: "exists", field, negated: false, column: token.column };
    }
    if (word === "not" && this.isKeyword("in", 1)) {
      this.next();
      return this.parseIn(field, true, token.column);
    }
    if (word === "not" && this.isKeyword("exists", 1)) {
      this.index += 2;
      return { kind: "exists", field, negated: true, column: token.column };
    }
    if (word === "is") {
      this.next();
      const negated = this.isKeyword("not");
      if (negated) this.next();
      const nullToken = this.next();
      if (keywordOf(nullToken) !== "null") {
        throw queryError("filter", `expected 'null' after '${negated ? "is not" : "is"}'`, nullToken.column);
      }
      return { kind: "exists", field, negated: !negated, column: token.column };
    }
    throw queryError(
      "filter",
      `expected an operator (${operatorHelp}) after '${pathText(token.segments)}', found ${describeToken(opToken)}`,
      opToken.column,
      { found: describeToken(opToken) },
    );
  }

  private nullPattern(opToken: Token): never {
    throw queryError("filter", "expected a quoted regular expression, not null", opToken.end);
  }

  private parseComparison(field: FieldRef, op: CompareOp, column: number): FilterExpr {
    const literal = this.parseLiteral(`'${op}'`);
    if (literal === null) {
      if (op !== "=" && op !== "!=") {
        const at = this.tokens[this.index - 1]?.column ?? column;
        throw queryError("filter", `null can only be compared with = or != (or use 'is null')`, at);
      }
      return { kind: "exists", field, negated: op === "=", column };
    }
    return { kind: "compare", field, op, value: checkValue(field, op, literal), column };
  }

  private parseIn(field: FieldRef, negated: boolean, column: number): FilterExpr {
    const inToken = this.next();
    const open = this.next();
    if (open.kind !== "lparen") {
      throw queryError("filter", `expected '(' after '${negated ? "not in" : "in"}'`, open.column, {
        found: describeToken(open),
      });
    }
    const values: Literal[] = [];
    for (;;) {
      const previous = values.length === 0 ? open : (this.tokens[this.index - 1] as Token);
      const literal = this.parseLiteral(describeToken(previous));
      if (literal === null) {
        throw queryError(
          "filter",
          "null is not allowed in a list; use 'is null'",
          this.tokens[this.index - 1]?.column ?? inToken.column,
        );
      }
      values.push(checkValue(field, "=", literal));
      const separator = this.next();
      if (separator.kind === "rparen") break;
      if (separator.kind !== "comma") {
        throw queryError("filter", "expected ',' or ')' in the list", separator.column, {
          found: describeToken(separator),
        });
      }
    }
    return { kind: "in", field, values, negated, column };
  }

  private parseHas(token: PathToken, scope: string): FilterExpr {
    this.next();
    const keyToken = this.next();
    if (keyToken.kind !== "string" || keyToken.value === "") {
      throw queryError("filter", `expected a quoted key after '${scope} has'`, keyToken.column, {
        found: describeToken(keyToken),
      });
    }
    return { kind: "has", scope: scope as "tags" | "config" | "metrics", key: keyToken.value, column: token.column };
  }

  /** A literal value, or null for the `null` keyword. */
  private parseLiteral(afterWhat: string): Literal | null {
    const token = this.next();
    if (token.kind === "number") return { kind: "number", value: token.value, column: token.column };
    if (token.kind === "string") return { kind: "string", value: token.value, column: token.column };
    const word = keywordOf(token);
    if (word === "true" || word === "false") return { kind: "boolean", value: word === "true", column: token.column };
    if (word === "null") return null;
    const hint = token.kind === "path" ? ` (quote text values: "${pathText(token.segments)}")` : "";
    throw queryError("filter", `expected a value after ${afterWhat}${hint}`, token.column, {
      found: describeToken(token),
    });
  }
}

function flatten(kind: "and" | "or", items: FilterExpr[]): FilterExpr[] {
  return items.flatMap((item) => (item.kind === kind ? item.items : [item]));
}
