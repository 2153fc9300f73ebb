import { type Kysely, type Migration, sql } from "kysely";

/**
 * Upload parts may be verified by CRC-32 instead of sha256 (the whole file keeps its sha256):
 * the parts' `sha256` column becomes `checksum`, `<algorithm>:<hex>`, and the parts already
 * received keep their sha256 under that prefix.
 */
export function partChecksumsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable("artifact_upload_parts").renameColumn("sha256", "checksum").execute();
      await sql`update artifact_upload_parts set checksum = 'sha256:' || checksum`.execute(db);
    },
  };
}
