import type BetterSqlite3 from "better-sqlite3";

const MAX_CACHED_PATTERNS = 256;

/**
 * SQL functions SQLite lacks and the run search needs: `regexp(pattern, text)`, which backs
 * the `X REGEXP Y` operator (JavaScript syntax; the filter parser has validated the pattern).
 * Call once per better-sqlite3 connection.
 */
export function registerSqliteFunctions(db: BetterSqlite3.Database): void {
  const cache = new Map<string, RegExp>();
  const compile = (pattern: string): RegExp => {
    let regex = cache.get(pattern);
    if (!regex) {
      regex = new RegExp(pattern);
      if (cache.size >= MAX_CACHED_PATTERNS) cache.clear();
      cache.set(pattern, regex);
    }
    return regex;
  };
  db.function("regexp", { deterministic: true }, (pattern: unknown, text: unknown) => {
    if (pattern === null || text === null || text === undefined) return null;
    return compile(String(pattern)).test(String(text)) ? 1 : 0;
  });
}
