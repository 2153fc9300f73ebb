import BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { rowFactory, withFastRows } from "./sqlite-fast-rows.js";
import { withStatementCache } from "./sqlite-statement-cache.js";

describe("SQLite rows built by a compiled factory", () => {
  let db: BetterSqlite3.Database;
  afterEach(() => db?.close());

  function seeded(): BetterSqlite3.Database {
    db = new BetterSqlite3(":memory:");
    db.exec(`create table t (id integer primary key, name text, score real, blob blob, note text);
      insert into t values (1, 'a', 0.5, x'0102', null), (2, 'it''s "b"', -1e300, null, 'x'),
      (3, '__x', 3, x'', 'y');`);
    return db;
  }

  it("gives exactly the objects better-sqlite3 builds: keys, order, values, duplicates and aliases", () => {
    const raw = seeded();
    for (const sql of [
      "select * from t order by id",
      'select id, name as "weird ""key""", score, id as id from t order by id',
      "select name, name from t where id = ?",
      "select count(*) as n, max(score) from t",
      "select * from t where id > 99",
    ]) {
      const expected = raw.prepare(sql).all(...(sql.includes("?") ? [2] : []));
      const fast = withFastRows(raw.prepare(sql));
      const got = fast.all(sql.includes("?") ? [2] : []);
      expect(got).toEqual(expected);
      for (const [i, row] of (got as Record<string, unknown>[]).entries()) {
        expect(Object.keys(row)).toEqual(Object.keys(expected[i] as object));
      }
      expect([...fast.iterate(sql.includes("?") ? [2] : [])]).toEqual(expected);
    }
  });

  it("leaves writes alone, and a column named __proto__ to better-sqlite3 itself", () => {
    const raw = seeded();
    const insert = withFastRows(raw.prepare("insert into t (id, name) values (?, ?)"));
    expect(insert.reader).toBe(false);
    expect(insert.run([4, "d"]).changes).toBe(1);
    const sql = 'select name as "__proto__", id from t where id = 4';
    const [expected] = raw.prepare(sql).all() as Record<string, unknown>[];
    const [row] = withFastRows(raw.prepare(sql)).all([]) as Record<string, unknown>[];
    expect(Object.getPrototypeOf(row)).toBe(Object.getPrototypeOf(expected));
    expect(Object.keys(row ?? {})).toEqual(Object.keys(expected ?? {}));
    expect(rowFactory(["__proto__"])).toBeNull();
  });

  it("follows a statement whose columns change after a schema change", () => {
    const raw = seeded();
    const cached = withStatementCache(raw);
    const sql = "select * from t where id = 1";
    expect(cached.prepare(sql).all([])).toEqual([
      { id: 1, name: "a", score: 0.5, blob: Buffer.from([1, 2]), note: null },
    ]);
    raw.exec("alter table t add column extra integer default 7");
    expect(cached.prepare(sql).all([])).toEqual([
      { id: 1, name: "a", score: 0.5, blob: Buffer.from([1, 2]), note: null, extra: 7 },
    ]);
  });
});
