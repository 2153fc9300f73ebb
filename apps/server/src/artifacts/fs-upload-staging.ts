import { type Hash, randomUUID } from "node:crypto";
import { mkdir, readdir, rename, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { failedPrecondition } from "@looplab/core";
import type { CompleteSpec, PartSpec } from "../ports/blob-store.js";
import { checkDigest, newSha256 } from "./digest-stream.js";
import { copyHashed, hashStream, isMissing, removeQuietly, writeHashed } from "./fs-files.js";

/**
 * Multipart staging in a local folder, `uploads/<id>/`:
 * - `data.<m>`: parts 1..m appended in order (the fast path: a part that arrives next in order
 *   is written straight into the final file while a running sha256 of the whole file advances,
 *   so completing costs an fsync and a rename, with no second pass over the bytes);
 * - `parts/<n>`: parts that arrived out of order or concurrently, joined on completion.
 * The count m is in the file name, so a restarted server knows which parts the data file holds
 * (it then re-reads that prefix once to rebuild the whole-file digest).
 * The data file is fsync'd once, on completion, before it is published. (An fsync per part in the
 * background was tried: on Linux it holds the file while later parts are written, and at 1 GiB
 * the upload ran at 97 MiB/s against 154 MiB/s with the single fsync.)
 */
interface UploadState {
  appended: number;
  /** sha256 of data.<appended>'s bytes, when this process saw all of them. */
  hash: Hash | null;
  busy: boolean;
}

export function createFsUploadStaging(root: string, publishBlob: (tmp: string, sha256: string) => Promise<void>) {
  const states = new Map<string, UploadState>();
  const dirOf = (uploadId: string) => join(root, uploadId);
  const dataPath = (uploadId: string, m: number) => join(dirOf(uploadId), `data.${m}`);
  const partPath = (uploadId: string, n: number) => join(dirOf(uploadId), "parts", String(n));

  async function stateOf(uploadId: string): Promise<UploadState> {
    const known = states.get(uploadId);
    if (known) return known;
    let appended = 0;
    try {
      for (const name of await readdir(dirOf(uploadId))) {
        const match = /^data\.(\d+)$/.exec(name);
        if (match) appended = Math.max(appended, Number(match[1]));
      }
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
    // With nothing appended yet the running digest starts here; otherwise it was lost with the process.
    const state: UploadState = { appended, hash: appended === 0 ? newSha256() : null, busy: false };
    states.set(uploadId, state);
    return state;
  }

  async function appendInOrder(part: PartSpec, body: Readable, state: UploadState): Promise<void> {
    const m = state.appended;
    const path = dataPath(part.uploadId, m);
    const before = state.hash?.copy() ?? null;
    const partHash = newSha256();
    const label = `part ${part.partNumber}`;
    try {
      const bytes = await writeHashed(body, path, {
        hashes: state.hash ? [partHash, state.hash] : [partHash],
        start: part.offset,
        limit: part.size,
        label,
        create: m === 0,
      });
      checkDigest(label, { bytes, sha256: partHash.digest("hex") }, part);
      await truncate(path, part.offset + part.size);
      await rename(path, dataPath(part.uploadId, m + 1));
      state.appended = m + 1;
    } catch (error) {
      state.hash = before;
      await truncate(path, part.offset).catch(() => undefined);
      throw error;
    }
  }

  async function stageApart(part: PartSpec, body: Readable): Promise<void> {
    const target = partPath(part.uploadId, part.partNumber);
    await mkdir(join(dirOf(part.uploadId), "parts"), { recursive: true });
    const tmp = `${target}.${randomUUID()}.tmp`;
    const partHash = newSha256();
    const label = `part ${part.partNumber}`;
    try {
      const bytes = await writeHashed(body, tmp, { hashes: [partHash], limit: part.size, label, create: true });
      checkDigest(label, { bytes, sha256: partHash.digest("hex") }, part);
      await rename(tmp, target);
    } catch (error) {
      await removeQuietly(tmp);
      throw error;
    }
  }

  return {
    async putPart(part: PartSpec, body: Readable): Promise<void> {
      await mkdir(dirOf(part.uploadId), { recursive: true });
      const state = await stateOf(part.uploadId);
      if (part.partNumber <= state.appended) {
        // Already inside the data file: verify the re-sent bytes, keep the ones we have.
        const partHash = newSha256();
        const label = `part ${part.partNumber}`;
        const bytes = await hashStream(body, [partHash], { limit: part.size, label });
        checkDigest(label, { bytes, sha256: partHash.digest("hex") }, part);
        return;
      }
      if (!state.busy && part.partNumber === state.appended + 1) {
        state.busy = true;
        try {
          await appendInOrder(part, body, state);
        } finally {
          state.busy = false;
        }
        return;
      }
      await stageApart(part, body);
    },

    async complete(spec: CompleteSpec): Promise<void> {
      const state = await stateOf(spec.uploadId);
      if (state.busy) throw failedPrecondition("a part of this upload is still being written; retry when it is done");
      state.busy = true;
      try {
        const m = Math.min(state.appended, spec.partCount);
        const path = dataPath(spec.uploadId, m);
        if (m === 0) await writeFile(path, new Uint8Array(0));
        const prefixLength = m === spec.partCount ? spec.size : m * spec.partSize;
        await truncate(path, prefixLength);
        let hash = state.hash;
        if (!hash) {
          hash = newSha256();
          await copyHashed(path, [hash]);
        }
        let length = prefixLength;
        for (let n = m + 1; n <= spec.partCount; n++) {
          const source = partPath(spec.uploadId, n);
          try {
            length += await copyHashed(source, [hash], { path, at: length });
          } catch (error) {
            if (isMissing(error)) throw failedPrecondition(`part ${n} is missing`, { missingParts: [n] });
            throw error;
          }
        }
        checkDigest("upload", { bytes: (await stat(path)).size, sha256: hash.digest("hex") }, spec);
        await publishBlob(path, spec.sha256);
        states.delete(spec.uploadId);
        await removeQuietly(dirOf(spec.uploadId));
      } finally {
        state.busy = false;
      }
    },

    async abort(uploadId: string): Promise<void> {
      states.delete(uploadId);
      await removeQuietly(dirOf(uploadId));
    },

    async *list(): AsyncIterable<string> {
      let names: string[] = [];
      try {
        names = await readdir(root);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      yield* names;
    },
  };
}
