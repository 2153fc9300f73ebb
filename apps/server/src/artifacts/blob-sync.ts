import { mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { fsyncDir, fsyncFile } from "./fs-files.js";

/**
 * When a blob written to the folder store reaches the disk (`--artifacts-fsync`):
 * - `immediate`: fsync'd before it is renamed into place, so a visible blob survives a power
 *   loss; uploads then run no faster than the disk writes (see BENCHMARKS.md);
 * - `deferred` (default): renamed into place at once and fsync'd in the background within about
 *   a second, the same window as the SQLite store's commits (WAL, synchronous=NORMAL). A process
 *   crash loses nothing either way: the bytes are in the kernel's page cache.
 * Readers always see a whole, verified blob or none: the rename is atomic.
 */
export type BlobSyncMode = "immediate" | "deferred";

export interface BlobPublisher {
  /** Moves a verified temporary file to `target`, syncing it as the mode says. */
  publish(tmp: string, target: string): Promise<void>;
  /** Syncs every blob published so far (called on shutdown). */
  flush(): Promise<void>;
}

export function createBlobPublisher(mode: BlobSyncMode, opts: { delayMs?: number } = {}): BlobPublisher {
  const delayMs = opts.delayMs ?? 1_000;
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let syncing: Promise<void> = Promise.resolve();

  async function syncAll(paths: Set<string>): Promise<void> {
    const dirs = new Set<string>();
    for (const path of paths) {
      // A blob deleted meanwhile has nothing left to sync.
      await fsyncFile(path).catch(() => undefined);
      dirs.add(dirname(path));
    }
    for (const dir of dirs) await fsyncDir(dir);
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending;
    pending = new Set();
    syncing = syncing.then(() => syncAll(batch));
    return syncing;
  }

  return {
    async publish(tmp, target) {
      if (mode === "immediate") await fsyncFile(tmp);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
      if (mode === "immediate") {
        await fsyncDir(dirname(target));
        return;
      }
      pending.add(target);
      if (!timer) {
        timer = setTimeout(() => void flush(), delayMs);
        timer.unref();
      }
    },
    flush,
  };
}
