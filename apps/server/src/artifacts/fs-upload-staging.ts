import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, rename, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { failedPrecondition } from "@looplab/core";
import type { CompleteSpec, PartSpec } from "../ports/blob-store.js";
import { checkDigest } from "./digest-stream.js";
import { hashStream, isMissing, removeQuietly, writeHashed } from "./fs-files.js";
import { algorithmOf, checkPartChecksum, createPartChecksummer } from "./part-checksum.js";
import { createPrefixHasher, type PrefixHasher } from "./prefix-hasher.js";

/**
 * Multipart staging in a local folder, `uploads/<id>/`:
 * - `data`: the whole file, each part written straight at its offset whatever order parts
 *   arrive in, so clients may send parts concurrently and completing copies nothing;
 * - `received/<n>`: an empty marker made once part n is written and verified. A part already
 *   received is never written again (a re-send is verified and discarded), and the markers
 *   tell a restarted server which parts the data file holds.
 * The whole-file sha256 advances while parts arrive (see prefix-hasher.ts); completing checks
 * it and the size, then hands the data file to `publishBlob`.
 */
interface UploadState {
  hasher: PrefixHasher;
  received: Set<number>;
  /** One operation per part number at a time: a retry waits for the attempt still running. */
  partLocks: Map<number, Promise<void>>;
  completing: boolean;
}

export function createFsUploadStaging(root: string, publishBlob: (tmp: string, sha256: string) => Promise<void>) {
  const states = new Map<string, Promise<UploadState>>();
  const dirOf = (uploadId: string) => join(root, uploadId);
  const dataPath = (uploadId: string) => join(dirOf(uploadId), "data");
  const markerDir = (uploadId: string) => join(dirOf(uploadId), "received");

  async function loadState(uploadId: string, partSize: number): Promise<UploadState> {
    await mkdir(markerDir(uploadId), { recursive: true });
    const received = new Set<number>();
    for (const name of await readdir(markerDir(uploadId))) if (/^\d+$/.test(name)) received.add(Number(name));
    // Created without truncating: parts may land in any order, and an earlier process's bytes stay.
    await (await open(dataPath(uploadId), "a")).close();
    const hasher = createPrefixHasher({ dataPath: dataPath(uploadId), partSize, receivedBefore: received });
    return { hasher, received, partLocks: new Map(), completing: false };
  }

  function stateOf(uploadId: string, partSize: number): Promise<UploadState> {
    let state = states.get(uploadId);
    if (!state) {
      state = loadState(uploadId, partSize);
      states.set(uploadId, state);
      state.catch(() => states.delete(uploadId));
    }
    return state;
  }

  async function verifyAndDiscard(part: PartSpec, body: Readable): Promise<void> {
    const partHash = createPartChecksummer(algorithmOf(part.checksum));
    const label = `part ${part.partNumber}`;
    const bytes = await hashStream(body, [partHash], { limit: part.size, label });
    checkPartChecksum(label, { bytes, checksum: partHash.result() }, part);
  }

  async function writePart(part: PartSpec, body: Readable, state: UploadState): Promise<void> {
    const partHash = createPartChecksummer(algorithmOf(part.checksum));
    const whole = state.hasher.claimNext(part.partNumber);
    const label = `part ${part.partNumber}`;
    try {
      const bytes = await writeHashed(body, dataPath(part.uploadId), {
        hashes: whole ? [partHash, whole.hash] : [partHash],
        start: part.offset,
        limit: part.size,
        label,
        create: false,
      });
      checkPartChecksum(label, { bytes, checksum: partHash.result() }, part);
      await writeFile(join(markerDir(part.uploadId), String(part.partNumber)), "");
    } catch (error) {
      whole?.rollback();
      throw error;
    }
    whole?.commit();
    state.received.add(part.partNumber);
    state.hasher.received(part.partNumber);
  }

  async function putPartLocked(part: PartSpec, body: Readable, state: UploadState): Promise<void> {
    if (state.received.has(part.partNumber)) await verifyAndDiscard(part, body);
    else await writePart(part, body, state);
  }

  return {
    async putPart(part: PartSpec, body: Readable): Promise<void> {
      const state = await stateOf(part.uploadId, part.partSize);
      if (state.completing) throw failedPrecondition("this upload is being completed");
      const before = state.partLocks.get(part.partNumber) ?? Promise.resolve();
      const mine = before.catch(() => undefined).then(() => putPartLocked(part, body, state));
      const settled = mine.catch(() => undefined);
      state.partLocks.set(part.partNumber, settled);
      try {
        await mine;
      } finally {
        if (state.partLocks.get(part.partNumber) === settled) state.partLocks.delete(part.partNumber);
      }
    },

    async complete(spec: CompleteSpec): Promise<void> {
      const state = await stateOf(spec.uploadId, spec.partSize);
      if (state.completing) throw failedPrecondition("this upload is already being completed");
      state.completing = true;
      try {
        await Promise.all(state.partLocks.values());
        const missing: number[] = [];
        for (let n = 1; n <= spec.partCount && missing.length < 1000; n++) if (!state.received.has(n)) missing.push(n);
        if (missing.length > 0)
          throw failedPrecondition(`${missing.length} part(s) are missing`, { missingParts: missing });
        const path = dataPath(spec.uploadId);
        // A part that broke off past the end is not received, but its bytes may linger there.
        await truncate(path, spec.size);
        await state.hasher.advance();
        const sha256 = state.hasher.hashedParts === spec.partCount ? state.hasher.digest() : "(incomplete)";
        checkDigest("upload", { bytes: (await stat(path)).size, sha256 }, spec);
        const published = join(dirOf(spec.uploadId), `blob.${randomUUID()}`);
        await rename(path, published);
        await publishBlob(published, spec.sha256);
        states.delete(spec.uploadId);
        await removeQuietly(dirOf(spec.uploadId));
      } finally {
        state.completing = false;
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
