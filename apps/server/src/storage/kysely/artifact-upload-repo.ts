import type { PartChecksum } from "@looplab/core";
import { type Kysely, sql, type Transaction } from "kysely";
import type { ArtifactRepo } from "../../ports/artifact-repo.js";
import type { Database } from "../database.js";
import { num, uploadFromRow, uploadToRow } from "./artifact-rows.js";

type Executor = Kysely<Database> | Transaction<Database>;

type UploadMethods = Pick<
  ArtifactRepo,
  | "createUpload"
  | "getUpload"
  | "setUploadState"
  | "listParts"
  | "putPart"
  | "listExpiredUploads"
  | "openUploads"
  | "openUploadBytes"
>;

/** Upload sessions and their verified parts. */
export function createArtifactUploadRepo(db: Executor): UploadMethods {
  return {
    async createUpload(record) {
      await db.insertInto("artifact_uploads").values(uploadToRow(record)).execute();
    },
    async getUpload(id) {
      const row = await db.selectFrom("artifact_uploads").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? uploadFromRow(row) : null;
    },
    async setUploadState(id, state, completedAt) {
      await db.updateTable("artifact_uploads").set({ state, completed_at: completedAt }).where("id", "=", id).execute();
      if (state !== "open") await db.deleteFrom("artifact_upload_parts").where("upload_id", "=", id).execute();
    },
    async listParts(uploadId) {
      const rows = await db
        .selectFrom("artifact_upload_parts")
        .selectAll()
        .where("upload_id", "=", uploadId)
        .orderBy("part_number")
        .execute();
      return rows.map((r) => ({
        partNumber: num(r.part_number),
        size: num(r.size),
        checksum: r.checksum as PartChecksum,
        receivedAt: num(r.received_at),
      }));
    },
    async putPart(uploadId, part) {
      await db
        .insertInto("artifact_upload_parts")
        .values({
          upload_id: uploadId,
          part_number: part.partNumber,
          size: part.size,
          checksum: part.checksum,
          received_at: part.receivedAt,
        })
        .onConflict((oc) =>
          oc.columns(["upload_id", "part_number"]).doUpdateSet({
            size: part.size,
            checksum: part.checksum,
            received_at: part.receivedAt,
          }),
        )
        .execute();
    },
    async listExpiredUploads(now, limit) {
      const rows = await db
        .selectFrom("artifact_uploads")
        .select("id")
        .where("state", "=", "open")
        .where("expires_at", "<", now)
        .orderBy("expires_at")
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    async openUploads(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db
        .selectFrom("artifact_uploads")
        .select("id")
        .where("id", "in", ids)
        .where("state", "=", "open")
        .execute();
      return new Set(rows.map((r) => r.id));
    },
    async openUploadBytes(projectId, exceptUploadId) {
      let query = db
        .selectFrom("artifact_uploads")
        .select((eb) => eb.fn.coalesce(eb.fn.sum("size"), sql`0`).as("bytes"))
        .where("project_id", "=", projectId)
        .where("state", "=", "open");
      if (exceptUploadId) query = query.where("id", "!=", exceptUploadId);
      const row = await query.executeTakeFirst();
      return num(row?.bytes ?? 0);
    },
  };
}
