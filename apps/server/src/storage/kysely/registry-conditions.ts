import { type Expression, type RawBuilder, sql } from "kysely";
import type { TextCondition } from "../../ports/registry-repo.js";
import type { SqlDialectName } from "../dialect.js";

/** LIKE wildcards as GLOB ones, with GLOB's own special characters taken literally. */
export function likeToGlob(pattern: string): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "%") out += "*";
    else if (ch === "_") out += "?";
    else if (ch === "*" || ch === "?" || ch === "[") out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

/**
 * One text comparison on a column, the same on both dialects: LIKE is case-sensitive (SQLite's
 * LIKE is not, so it becomes GLOB there), ILIKE compares lower-cased text.
 */
export function textCondition(
  dialect: SqlDialectName,
  column: Expression<unknown> | RawBuilder<unknown>,
  condition: TextCondition,
): RawBuilder<boolean> {
  const { op, value } = condition;
  if (op === "=") return sql<boolean>`${column} = ${value}`;
  if (op === "!=") return sql<boolean>`${column} <> ${value}`;
  if (op === "ILIKE") return sql<boolean>`lower(${column}) like lower(${value})`;
  return dialect === "sqlite"
    ? sql<boolean>`${column} glob ${likeToGlob(value)}`
    : sql<boolean>`${column} like ${value}`;
}
