import { invalidArgument } from "@looplab/core";
import type { SqlDialectName } from "./dialect.js";

export interface DbLocation {
  dialect: SqlDialectName;
  /** SQLite: a file path or ":memory:"; PostgreSQL: the connection string. */
  target: string;
}

/** `sqlite:PATH`, `sqlite::memory:`, a bare path, or `postgres://…` / `postgresql://…`. */
export function parseDbUrl(url: string): DbLocation {
  if (/^postgres(ql)?:\/\//.test(url)) return { dialect: "postgres", target: url };
  if (url.startsWith("sqlite:")) {
    const target = url.slice("sqlite:".length).replace(/^\/\/(?=\/)/, "");
    if (target === "") throw invalidArgument("--db sqlite: needs a path, e.g. sqlite:./.looplab/looplab.db");
    return { dialect: "sqlite", target };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw invalidArgument(`unsupported database URL '${url}': use sqlite:PATH or postgres://…`);
  }
  return { dialect: "sqlite", target: url };
}
