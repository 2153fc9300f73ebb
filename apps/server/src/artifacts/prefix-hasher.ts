import type { Hash } from "node:crypto";
import { open } from "node:fs/promises";
import { newSha256 } from "./digest-stream.js";

/**
 * The sha256 of a multipart upload's whole file, advanced over the contiguous run of received
 * parts from the start. A part that arrives exactly at that frontier is hashed as it streams in
 * (`claimNext`); a part that arrives ahead of it is written first and read back from the data
 * file (the page cache, in practice) once the parts before it are in (`advance`). Either way
 * every byte is hashed once for the whole file, and completing needs no second pass.
 */
export interface PrefixHasher {
  /** Parts 1..n are hashed. */
  readonly hashedParts: number;
  /**
   * When part `n` is the next to hash and nothing else is hashing, returns a copy-on-write
   * handle: feed the part's bytes to `hash`, then `commit()` once the part is verified, or
   * `rollback()` (its bytes are then read back later, if the part is re-sent).
   */
  claimNext(n: number): { hash: Hash; commit(): void; rollback(): void } | null;
  /** Notes that part `n` is written and verified; whatever became contiguous is hashed in the background. */
  received(n: number): void;
  /** Hashes every received part reachable from the frontier; resolves when done. */
  advance(): Promise<void>;
  /** The whole file's digest, once parts 1..partCount are hashed. */
  digest(): string;
}

export function createPrefixHasher(opts: {
  dataPath: string;
  partSize: number;
  /** Parts already written by an earlier process (their bytes are read back). */
  receivedBefore: Iterable<number>;
}): PrefixHasher {
  let hash = newSha256();
  let hashedParts = 0;
  const ready = new Set<number>(opts.receivedBefore);
  let claimed = false;
  let running: Promise<void> | null = null;

  async function readBack(): Promise<void> {
    // One read per part into a reused buffer: a few large requests wait less behind the
    // concurrent part writes in libuv's thread pool than many small stream reads do.
    const handle = await open(opts.dataPath, "r");
    try {
      const buffer = Buffer.allocUnsafe(opts.partSize);
      while (!claimed && ready.has(hashedParts + 1)) {
        const start = hashedParts * opts.partSize;
        let length = 0;
        while (length < opts.partSize) {
          const { bytesRead } = await handle.read(buffer, length, opts.partSize - length, start + length);
          if (bytesRead === 0) break;
          length += bytesRead;
        }
        hash.update(buffer.subarray(0, length));
        hashedParts += 1;
        ready.delete(hashedParts);
      }
    } finally {
      await handle.close();
    }
  }

  function advance(): Promise<void> {
    if (!running && !claimed && ready.has(hashedParts + 1)) {
      running = readBack().finally(() => {
        running = null;
      });
    }
    return running ?? Promise.resolve();
  }

  return {
    get hashedParts() {
      return hashedParts;
    },

    claimNext(n) {
      if (claimed || running || n !== hashedParts + 1) return null;
      claimed = true;
      const before = hash.copy();
      return {
        hash,
        commit() {
          claimed = false;
          hashedParts = n;
          ready.delete(n);
        },
        rollback() {
          claimed = false;
          hash = before;
        },
      };
    },

    received(n) {
      if (n > hashedParts) ready.add(n);
      // Errors surface when completing, which advances again and awaits it.
      advance().catch(() => undefined);
    },

    advance,

    digest() {
      return hash.copy().digest("hex");
    },
  };
}
