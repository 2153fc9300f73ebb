import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogLineInputRecord } from "./log-repo.js";
import type { RunRecord, Store } from "./store.js";

/** The behaviour every LogRepo must have (store.logs); run on SQLite and PostgreSQL. */
export function logRepoContract(name: string, open: () => Promise<Store>): void {
  describe(`LogRepo contract: ${name}`, () => {
    let store: Store;
    const projectId = "a".repeat(32);
    let runSeq = 0;
    const newRunId = () => `1${(++runSeq).toString(16).padStart(31, "0")}`;
    const line = (text: string, stream: LogLineInputRecord["stream"] = "stdout", time = 1000): LogLineInputRecord => ({
      stream,
      text,
      time,
    });
    const texts = (lines: { text: string }[]) => lines.map((l) => l.text);

    function run(id: string): RunRecord {
      return {
        id,
        projectId,
        name: id,
        status: "running",
        origin: "sdk",
        group: null,
        tags: {},
        notes: "",
        config: {},
        createdAt: 1,
        startedAt: 1,
        endedAt: null,
        heartbeatAt: 1,
        updatedAt: 1,
        deletedAt: null,
        host: null,
        command: null,
        git: null,
        environment: null,
        parentRunId: null,
        resumedFrom: null,
      };
    }

    beforeAll(async () => {
      store = await open();
      await store.projects.create({
        id: projectId,
        name: "logs-contract",
        description: "",
        createdAt: 1,
        updatedAt: 1,
        deletedAt: null,
      });
    });
    afterAll(() => store.close());

    it("numbers lines 1, 2, 3… per run across appends and keeps their fields", async () => {
      const a = newRunId();
      const b = newRunId();
      expect(await store.logs.lastSeq(a)).toBe(0);
      expect(await store.transaction((r) => r.logs.append(a, [line("one"), line("two", "stderr", 2000)]))).toEqual({
        stored: 2,
        lastSeq: 2,
      });
      expect(await store.transaction((r) => r.logs.append(b, [line("other")]))).toEqual({ stored: 1, lastSeq: 1 });
      expect(await store.transaction((r) => r.logs.append(a, [line("three")]))).toEqual({ stored: 1, lastSeq: 3 });
      expect(await store.logs.lastSeq(a)).toBe(3);
      const all = await store.logs.read(a, { limit: 100 });
      expect(all).toEqual([
        { seq: 1, stream: "stdout", text: "one", time: 1000 },
        { seq: 2, stream: "stderr", text: "two", time: 2000 },
        { seq: 3, stream: "stdout", text: "three", time: 1000 },
      ]);
      expect(await store.logs.read(b, { limit: 100 })).toEqual([
        { seq: 1, stream: "stdout", text: "other", time: 1000 },
      ]);
    });

    it("pages after a seq, tails, filters by stream and honours the limit", async () => {
      const id = newRunId();
      const lines = Array.from({ length: 10 }, (_, i) => line(`l${i + 1}`, i % 3 === 0 ? "stderr" : "stdout"));
      await store.transaction((r) => r.logs.append(id, lines));
      expect(texts(await store.logs.read(id, { after: 3, limit: 4 }))).toEqual(["l4", "l5", "l6", "l7"]);
      expect(texts(await store.logs.read(id, { after: 10, limit: 4 }))).toEqual([]);
      expect(texts(await store.logs.read(id, { tail: 3, limit: 100 }))).toEqual(["l8", "l9", "l10"]);
      expect(texts(await store.logs.read(id, { tail: 5, limit: 2 }))).toEqual(["l9", "l10"]);
      expect(texts(await store.logs.read(id, { stream: "stderr", limit: 100 }))).toEqual(["l1", "l4", "l7", "l10"]);
      expect(texts(await store.logs.read(id, { stream: "stderr", after: 4, limit: 100 }))).toEqual(["l7", "l10"]);
      expect(texts(await store.logs.read(id, { stream: "stdout", tail: 2, limit: 100 }))).toEqual(["l8", "l9"]);
    });

    it("keeps unicode, empty and long lines as given", async () => {
      const id = newRunId();
      const long = "x".repeat(16_384);
      await store.transaction((r) => r.logs.append(id, [line(""), line("päivää ✓ 🚀"), line(long)]));
      expect(texts(await store.logs.read(id, { limit: 10 }))).toEqual(["", "päivää ✓ 🚀", long]);
    });

    it("stores big batches (more than one insert statement) in order", async () => {
      const id = newRunId();
      const lines = Array.from({ length: 1_234 }, (_, i) => line(String(i)));
      expect((await store.transaction((r) => r.logs.append(id, lines))).lastSeq).toBe(1_234);
      const read = await store.logs.read(id, { limit: 5_000 });
      expect(read.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
      expect(texts(read)).toEqual(texts(lines));
    });

    it("claims a batch id once per run", async () => {
      const a = newRunId();
      const b = newRunId();
      expect(await store.logs.claimBatch(a, "batch-1", 10)).toBe(false);
      expect(await store.logs.claimBatch(a, "batch-1", 20)).toBe(true);
      expect(await store.logs.claimBatch(b, "batch-1", 20)).toBe(false);
    });

    it("assigns gap-free, non-interleaved seqs to concurrent appends", async () => {
      const id = newRunId();
      const batches = Array.from({ length: 8 }, (_, b) => Array.from({ length: 25 }, (_, i) => line(`${b}:${i}`)));
      const results = await Promise.all(batches.map((lines) => store.transaction((r) => r.logs.append(id, lines))));
      expect(results.map((r) => r.lastSeq).sort((x, y) => x - y)).toEqual(batches.map((_, b) => (b + 1) * 25));
      const read = await store.logs.read(id, { limit: 1_000 });
      expect(read.map((l) => l.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // Each batch occupies one contiguous block, in its own order.
      for (let block = 0; block < 8; block++) {
        const slice = texts(read.slice(block * 25, block * 25 + 25));
        const batch = slice[0]?.split(":")[0];
        expect(slice).toEqual(Array.from({ length: 25 }, (_, i) => `${batch}:${i}`));
      }
    });

    it("rolls back the seq with the transaction", async () => {
      const id = newRunId();
      await store.transaction((r) => r.logs.append(id, [line("kept")]));
      await expect(
        store.transaction(async (r) => {
          await r.logs.append(id, [line("lost")]);
          throw new Error("abort");
        }),
      ).rejects.toThrow("abort");
      expect(await store.transaction((r) => r.logs.append(id, [line("next")]))).toEqual({ stored: 1, lastSeq: 2 });
      expect(texts(await store.logs.read(id, { limit: 10 }))).toEqual(["kept", "next"]);
    });

    it("purges a run's lines and batch ids with the run and with its project", async () => {
      const id = newRunId();
      const other = newRunId();
      await store.runs.create(run(id));
      await store.runs.create(run(other));
      await store.transaction((r) => r.logs.append(id, [line("a"), line("b")]));
      await store.transaction((r) => r.logs.append(other, [line("c")]));
      await store.logs.claimBatch(id, "x", 1);
      await store.transaction((r) => r.runs.purge(id));
      expect(await store.logs.read(id, { limit: 10 })).toEqual([]);
      expect(await store.logs.lastSeq(id)).toBe(0);
      expect(await store.logs.claimBatch(id, "x", 2)).toBe(false);
      expect(texts(await store.logs.read(other, { limit: 10 }))).toEqual(["c"]);
      await store.transaction((r) => r.projects.purge(projectId));
      expect(await store.logs.read(other, { limit: 10 })).toEqual([]);
    });
  });
}
