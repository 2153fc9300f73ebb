import { type Kysely, Migrator, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { storeFactories } from "../../testing/test-stores.js";
import { openDatabase } from "../create-database.js";
import { migrateToLatest, migrationsFor } from "../migrate.js";
import { parseDbUrl } from "../parse-db-url.js";

describe.each(storeFactories)("migration 0011 (part checksums) on $name", (factory) => {
  const open: Kysely<unknown>[] = [];
  afterEach(async () => {
    for (const db of open.splice(0)) await db.destroy();
  });

  it("keeps the parts an open upload already received, as sha256 checksums", async () => {
    const location = parseDbUrl(await factory.freshUrl());
    const { db } = openDatabase(location);
    const raw = db as unknown as Kysely<unknown>;
    open.push(raw);
    const provider = { getMigrations: async () => migrationsFor(location.dialect) };
    const migrator = new Migrator({ db: raw, provider, migrationTableName: "looplab_migrations" });
    expect((await migrator.migrateTo("0010-mlflow")).error).toBeUndefined();

    const digest = "ab".repeat(32);
    await sql`insert into artifact_uploads (id, run_id, project_id, path, sha256, size, type, part_size, part_count, state, created_at, expires_at)
      values ('u1', 'r1', 'p1', 'model.bin', ${digest}, 10, 'file', 8, 2, 'open', 1, 2)`.execute(raw);
    await sql`insert into artifact_upload_parts (upload_id, part_number, size, sha256, received_at)
      values ('u1', 1, 8, ${digest}, 3)`.execute(raw);

    expect(await migrateToLatest(raw, location.dialect)).toContain("0011-part-checksums");
    const rows = await sql<{ checksum: string }>`select checksum from artifact_upload_parts`.execute(raw);
    expect(rows.rows).toEqual([{ checksum: `sha256:${digest}` }]);
  });
});
