import { execFile } from "node:child_process";
import { createWriteStream } from "node:fs";
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { create as createTar } from "tar";
import type { CodeSnapshot, CodeSnapshotOptions } from "../artifact-io.js";

export const DEFAULT_SNAPSHOT_MAX_BYTES = 100 * 1024 * 1024;

/**
 * Packs the working tree of the repository around `cwd` — tracked files and untracked files
 * that are not ignored (`git ls-files -co --exclude-standard`) — into a gzipped tarball in a
 * temporary folder. Refuses (with the reason and the largest files) when their total size
 * passes `maxBytes`; outside a repository, says so. Never throws.
 */
export async function packCodeSnapshot(options: CodeSnapshotOptions = {}): Promise<CodeSnapshot> {
  const maxBytes = options.maxBytes ?? DEFAULT_SNAPSHOT_MAX_BYTES;
  try {
    const cwd = options.cwd ?? process.cwd();
    const top = await git(["rev-parse", "--show-toplevel"], cwd);
    if (top === null) return { ok: false, reason: `${cwd} is not inside a git repository (or git is missing)` };
    const root = top.trim();
    const listing = await git(["ls-files", "-co", "--exclude-standard", "-z"], root);
    if (listing === null) return { ok: false, reason: "git ls-files failed" };
    const names = [...new Set(listing.split("\0").filter((n) => n !== ""))];
    const files: { name: string; size: number }[] = [];
    for (const name of names) {
      // Tracked files deleted from the working tree are listed too; submodules are folders.
      const info = await lstat(join(root, name)).catch(() => undefined);
      if (info && (info.isFile() || info.isSymbolicLink())) files.push({ name, size: info.isFile() ? info.size : 0 });
    }
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    if (bytes > maxBytes) {
      const largest = [...files]
        .sort((a, b) => b.size - a.size)
        .slice(0, 5)
        .map((f) => `${f.name} (${formatBytes(f.size)})`)
        .join(", ");
      return {
        ok: false,
        reason: `the working tree's ${files.length} files hold ${formatBytes(bytes)}, over the snapshot limit of ${formatBytes(maxBytes)} (largest: ${largest}); raise codeSnapshot.maxBytes or ignore large files in .gitignore`,
      };
    }
    const dir = await mkdtemp(join(tmpdir(), "looplab-code-"));
    const file = join(dir, "snapshot.tar.gz");
    const tar = createTar(
      { gzip: true, cwd: root, portable: true, noDirRecurse: true },
      files.map((f) => f.name),
    );
    await pipeline(tar as unknown as NodeJS.ReadableStream, createWriteStream(file));
    return { ok: true, file, files: files.length, bytes, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    return {
      ok: false,
      reason: `packing the working tree failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function git(args: string[], cwd: string): Promise<string | null> {
  return new Promise((resolve) => {
    try {
      execFile(
        "git",
        args,
        {
          cwd,
          maxBuffer: 64 << 20,
          timeout: 30_000,
          windowsHide: true,
          env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
        },
        (error, stdout) => resolve(error === null ? stdout : null),
      );
    } catch {
      resolve(null);
    }
  });
}
