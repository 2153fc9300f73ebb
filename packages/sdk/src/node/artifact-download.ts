import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import { artifactPathProblem, invalidArgument, LooplabError } from "@looplab/core";
import { type UploadDeps, withRetries } from "../artifact-upload.js";
import { hashFile } from "./local-files.js";

/** A file to fetch: an artifact's path, size and digest. */
export interface RemoteFile {
  path: string;
  size: number;
  sha256: string;
}

export interface DownloadOutcome {
  target: string;
  /** Already present with the right digest: nothing was fetched. */
  cached: boolean;
  /** Bytes fetched over the network (retries included). */
  bytesReceived: number;
  /** Bytes of an earlier partial download that were kept (ranged resume). */
  resumedFrom: number;
}

export interface DownloadOptions {
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

/** Suffix of a download in progress; it is renamed to the file once its digest is checked. */
export const PARTIAL_SUFFIX = ".looplab-partial";

/** `dir` joined with a '/'-separated relative path, refusing anything that would leave `dir`. */
export function localTarget(dir: string, relativePath: string): string {
  const problem = artifactPathProblem(relativePath);
  if (problem) throw invalidArgument(`refusing to write artifact path '${relativePath}': it ${problem}`);
  const root = resolve(dir);
  const target = resolve(root, ...relativePath.split("/"));
  if (!target.startsWith(root + sep)) throw invalidArgument(`artifact path '${relativePath}' leaves ${dir}`);
  return target;
}

/**
 * Streams one artifact of a run to `target`: through `<target>.looplab-partial`, resuming a
 * partial file left by an interrupted download with a `Range` request, retrying network
 * errors the same way, and verifying the sha256 before the file takes its name (a mismatch
 * deletes the partial file and throws UNPROCESSABLE). A file already at `target` with the
 * right digest is kept as it is.
 */
export async function downloadArtifactFile(
  deps: UploadDeps,
  runId: string,
  remote: RemoteFile,
  target: string,
  options: DownloadOptions = {},
): Promise<DownloadOutcome> {
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isFile() && existing.size === remote.size && (await hashFile(target)) === remote.sha256) {
    options.onProgress?.(remote.size, remote.size);
    return { target, cached: true, bytesReceived: 0, resumedFrom: 0 };
  }
  await mkdir(dirname(target), { recursive: true });
  const partial = target + PARTIAL_SUFFIX;
  let written = 0;
  let hash: Hash = createHash("sha256");
  const partialSize = (await stat(partial).catch(() => undefined))?.size ?? 0;
  if (partialSize > 0 && partialSize <= remote.size) {
    for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
    written = partialSize;
  } else if (partialSize > 0) await unlink(partial);
  const resumedFrom = written;
  let bytesReceived = 0;
  const { transfer } = deps;
  const what = `download of ${remote.path}`;
  await withRetries(deps, async () => {
    if (written >= remote.size && remote.size > 0) return;
    const response = await transfer.open(
      "downloadArtifact",
      { params: { runId }, query: { path: remote.path }, ...(options.signal ? { signal: options.signal } : {}) },
      written,
    );
    if (written > 0 && response.status !== 206) {
      // The server sent the whole file: start over.
      written = 0;
      hash = createHash("sha256");
    }
    const handle = await open(partial, written === 0 ? "w" : "a");
    try {
      options.onProgress?.(written, remote.size);
      for await (const chunk of transfer.readChunks(response, what)) {
        if (written + chunk.length > remote.size)
          throw new LooplabError("UNPROCESSABLE", `${what}: more bytes than the artifact's size`);
        await handle.write(chunk);
        hash.update(chunk);
        written += chunk.length;
        bytesReceived += chunk.length;
        options.onProgress?.(written, remote.size);
      }
    } finally {
      await handle.close();
    }
  });
  const digest = hash.digest("hex");
  if (written !== remote.size || digest !== remote.sha256) {
    await unlink(partial).catch(() => {});
    throw new LooplabError(
      "UNPROCESSABLE",
      `${what}: got ${written} bytes with sha256 ${digest}, expected ${remote.size} bytes with sha256 ${remote.sha256}; the partial file was deleted`,
      { path: remote.path, expectedSha256: remote.sha256, actualSha256: digest },
    );
  }
  await rename(partial, target);
  return { target, cached: false, bytesReceived, resumedFrom };
}

/** Downloads several files of a run into `dir`, each under its path relative to `base` (a folder prefix or ""). */
export async function downloadArtifactFiles(
  deps: UploadDeps,
  runId: string,
  files: readonly RemoteFile[],
  dir: string,
  base: string,
  options: DownloadOptions = {},
): Promise<DownloadOutcome[]> {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  const outcomes: DownloadOutcome[] = [];
  for (const file of files) {
    const relativePath = base !== "" && file.path.startsWith(base) ? file.path.slice(base.length) : file.path;
    const start = before;
    outcomes.push(
      await downloadArtifactFile(deps, runId, file, localTarget(dir, relativePath), {
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (done) => options.onProgress?.(start + done, total),
      }),
    );
    before += file.size;
  }
  return outcomes;
}
