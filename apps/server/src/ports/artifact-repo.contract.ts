import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ArtifactRecord, UploadRecord } from "./artifact-repo.js";
import type { Store } from "./store.js";

/** The behaviour every ArtifactRepo must have (store.artifacts); run on SQLite and PostgreSQL. */
export function artifactRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`ArtifactRepo contract: ${name}`, () => {
    let store: Store;
    const projectId = "p".repeat(32);
    const digest = (n: number) => n.toString(16).padStart(64, "0");
    let runSeq = 0;
    const newRunId = () => (++runSeq).toString(16).padStart(32, "0");

    beforeAll(async () => {
      store = await open();
    });
    afterAll(() => store.close());

    function artifact(runId: string, path: string, sha: string, extra: Partial<ArtifactRecord> = {}): ArtifactRecord {
      return {
        runId,
        projectId,
        path,
        sha256: sha,
        size: 100,
        type: "file",
        step: null,
        metrics: null,
        metadata: null,
        createdAt: 1000,
        deletedAt: null,
        collectedAt: null,
        ...extra,
      };
    }
    async function withBlob(record: ArtifactRecord) {
      await store.artifacts.insertBlob({ sha256: record.sha256, size: record.size, createdAt: 1000, releasedAt: null });
      await store.artifacts.insertArtifact(record);
    }

    it("stores blobs once and reports which are known", async () => {
      await store.artifacts.insertBlob({ sha256: digest(1), size: 5, createdAt: 10, releasedAt: null });
      await store.artifacts.insertBlob({ sha256: digest(1), size: 5, createdAt: 20, releasedAt: null });
      expect(await store.artifacts.getBlob(digest(1))).toEqual({
        sha256: digest(1),
        size: 5,
        createdAt: 10,
        releasedAt: null,
      });
      expect(await store.artifacts.getBlob(digest(2))).toBeNull();
      expect(await store.artifacts.knownBlobs([digest(1), digest(2)])).toEqual(new Set([digest(1)]));
    });

    it("lists a run's artifacts by path with prefix, type, pagination, totals and states", async () => {
      const runId = newRunId();
      await withBlob(
        artifact(runId, "b/model.pt", digest(10), { type: "model", metrics: { acc: 0.5 }, metadata: { k: [1] } }),
      );
      await withBlob(artifact(runId, "a.txt", digest(11), { size: 7 }));
      await withBlob(artifact(runId, "b/c/x.bin", digest(12), { step: 3 }));
      const all = await store.artifacts.listArtifacts({ runId, includeDeleted: false, limit: 10 });
      expect(all.map((a) => a.path)).toEqual(["a.txt", "b/c/x.bin", "b/model.pt"]);
      expect(all[2]).toEqual(
        artifact(runId, "b/model.pt", digest(10), { type: "model", metrics: { acc: 0.5 }, metadata: { k: [1] } }),
      );
      expect(all[1]?.step).toBe(3);
      const page = await store.artifacts.listArtifacts({ runId, includeDeleted: false, afterPath: "a.txt", limit: 1 });
      expect(page.map((a) => a.path)).toEqual(["b/c/x.bin"]);
      const folder = await store.artifacts.listArtifacts({ runId, prefix: "b/", includeDeleted: false, limit: 10 });
      expect(folder.map((a) => a.path)).toEqual(["b/c/x.bin", "b/model.pt"]);
      expect(await store.artifacts.countArtifacts({ runId, type: "model", includeDeleted: false })).toEqual({
        count: 1,
        bytes: 100,
      });
      expect(await store.artifacts.countArtifacts({ runId, includeDeleted: false })).toEqual({ count: 3, bytes: 207 });
      await store.artifacts.setArtifactDeleted(runId, "a.txt", 5000);
      expect(await store.artifacts.countArtifacts({ runId, includeDeleted: false })).toEqual({ count: 2, bytes: 200 });
      expect((await store.artifacts.getArtifact(runId, "a.txt"))?.deletedAt).toBe(5000);
      expect(await store.artifacts.getArtifact(runId, "zzz")).toBeNull();
    });

    it("computes references: only blobs no live or deleted artifact holds are collectable", async () => {
      const [r1, r2] = [newRunId(), newRunId()];
      await withBlob(artifact(r1, "shared", digest(20)));
      await withBlob(artifact(r2, "shared", digest(20)));
      await withBlob(artifact(r1, "ckpt", digest(21), { type: "checkpoint", step: 1 }));
      const unreferenced = async () => (await store.artifacts.listUnreferencedBlobs(10_000, 1000)).map((b) => b.sha256);
      expect(await unreferenced()).not.toContain(digest(20));
      await store.artifacts.collectArtifacts(r1, ["ckpt"], 3000);
      expect((await store.artifacts.getArtifact(r1, "ckpt"))?.collectedAt).toBe(3000);
      expect((await store.artifacts.getBlob(digest(21)))?.releasedAt).toBe(3000);
      expect(await unreferenced()).toContain(digest(21));
      expect(await store.artifacts.listUnreferencedBlobs(2000, 1000)).not.toContainEqual(
        expect.objectContaining({ sha256: digest(21) }),
      );
      expect(await store.artifacts.deleteBlobIfUnreferenced(digest(21), 2000)).toBe(false);
      expect(await store.artifacts.deleteBlobIfUnreferenced(digest(20), 10_000)).toBe(false);
      await store.artifacts.removeArtifact(r1, "shared", 4000);
      expect(await store.artifacts.deleteBlobIfUnreferenced(digest(20), 10_000)).toBe(false);
      await store.artifacts.purgeRun(r2, 4000);
      expect(await store.artifacts.listArtifacts({ runId: r2, includeDeleted: true, limit: 10 })).toEqual([]);
      expect(await store.artifacts.deleteBlobIfUnreferenced(digest(20), 10_000)).toBe(true);
      expect(await store.artifacts.deleteBlobIfUnreferenced(digest(21), 10_000)).toBe(true);
      expect(await store.artifacts.getBlob(digest(20))).toBeNull();
    });

    it("keeps upload sessions and their parts", async () => {
      const runId = newRunId();
      const upload: UploadRecord = {
        id: "u".repeat(32),
        runId,
        projectId,
        path: "big.bin",
        sha256: digest(30),
        size: 300,
        type: "checkpoint",
        step: 7,
        metrics: { loss: 1 },
        metadata: null,
        overwrite: true,
        partSize: 128,
        partCount: 3,
        state: "open",
        createdAt: 100,
        expiresAt: 200,
        completedAt: null,
      };
      await store.artifacts.createUpload(upload);
      expect(await store.artifacts.getUpload(upload.id)).toEqual(upload);
      await store.artifacts.putPart(upload.id, {
        partNumber: 2,
        size: 128,
        checksum: "crc32:0a6216d9",
        receivedAt: 150,
      });
      await store.artifacts.putPart(upload.id, {
        partNumber: 1,
        size: 128,
        checksum: `sha256:${digest(32)}`,
        receivedAt: 150,
      });
      await store.artifacts.putPart(upload.id, {
        partNumber: 1,
        size: 128,
        checksum: `sha256:${digest(33)}`,
        receivedAt: 160,
      });
      expect((await store.artifacts.listParts(upload.id)).map((p) => [p.partNumber, p.checksum])).toEqual([
        [1, `sha256:${digest(33)}`],
        [2, "crc32:0a6216d9"],
      ]);
      expect(await store.artifacts.openUploadBytes(projectId)).toBeGreaterThanOrEqual(300);
      expect(await store.artifacts.openUploadBytes(projectId, upload.id)).toBe(0);
      expect(await store.artifacts.listExpiredUploads(150, 10)).toEqual([]);
      expect(await store.artifacts.listExpiredUploads(250, 10)).toEqual([upload.id]);
      expect(await store.artifacts.openUploads([upload.id, "v".repeat(32)])).toEqual(new Set([upload.id]));
      await store.artifacts.setUploadState(upload.id, "aborted", 300);
      expect(await store.artifacts.listParts(upload.id)).toEqual([]);
      expect((await store.artifacts.getUpload(upload.id))?.state).toBe("aborted");
      expect(await store.artifacts.openUploads([upload.id])).toEqual(new Set());
    });

    it("records lineage edges once per run and blob, and counts consumers", async () => {
      const [producer, c1, c2] = [newRunId(), newRunId(), newRunId()];
      await withBlob(artifact(producer, "data.npz", digest(40), { type: "dataset" }));
      const edge = { sha256: digest(40), sourceRunId: producer, sourcePath: "data.npz", role: "dataset", createdAt: 9 };
      await store.artifacts.putLineage({ runId: c1, ...edge });
      await store.artifacts.putLineage({ runId: c1, ...edge, role: "train" });
      await store.artifacts.putLineage({ runId: c2, ...edge, sourceRunId: null, sourcePath: null, role: null });
      expect(await store.artifacts.listLineage(c1)).toEqual([{ runId: c1, ...edge, role: "train" }]);
      expect((await store.artifacts.listConsumers(digest(40), null, 10)).map((e) => e.runId)).toEqual([c1, c2]);
      expect((await store.artifacts.listConsumers(digest(40), c1, 10)).map((e) => e.runId)).toEqual([c2]);
      expect(await store.artifacts.countConsumers([digest(40), digest(41)])).toEqual(new Map([[digest(40), 2]]));
      expect((await store.artifacts.listArtifactsOfBlob(digest(40), 5)).map((a) => a.runId)).toEqual([producer]);
    });

    it("keeps retention policies, quotas and usage", async () => {
      const runId = newRunId();
      const policy = { keepLast: 2, keepBest: 1, metric: "val/acc", direction: "max" as const, updatedAt: 5 };
      await store.artifacts.putRetention("run", runId, policy);
      await store.artifacts.putRetention("run", runId, { ...policy, keepLast: 3 });
      expect(await store.artifacts.getRetention("run", runId)).toEqual({ ...policy, keepLast: 3 });
      expect(await store.artifacts.getRetention("project", runId)).toBeNull();
      expect(await store.artifacts.deleteRetention("run", runId)).toBe(true);
      expect(await store.artifacts.deleteRetention("run", runId)).toBe(false);

      const other = "q".repeat(32);
      expect(await store.artifacts.getQuota(other)).toBeNull();
      await store.artifacts.putQuota(other, 1_000_000_000_000);
      expect(await store.artifacts.getQuota(other)).toBe(1_000_000_000_000);
      await store.artifacts.putQuota(other, null);
      expect(await store.artifacts.getQuota(other)).toBeNull();

      const r = newRunId();
      await withBlob(artifact(r, "x", digest(50), { size: 1000 }));
      await store.artifacts.insertArtifact(artifact(r, "y", digest(50), { size: 1000 }));
      await withBlob(artifact(r, "z", digest(51), { size: 10, type: "checkpoint", step: 1 }));
      await store.artifacts.collectArtifacts(r, ["z"], 10);
      expect(await store.artifacts.usageOfRun(r)).toEqual({
        artifactCount: 2,
        logicalBytes: 2000,
        uniqueBytes: 1000,
        collectedBytes: 10,
      });
      expect(await store.artifacts.listCheckpointArtifacts(r)).toHaveLength(1);
      expect(await store.artifacts.runsWithCheckpoints(projectId)).not.toContain(r);
    });
  });
}
