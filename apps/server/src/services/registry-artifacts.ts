import type { VersionFileRecord } from "../ports/registry-repo.js";
import type { Store } from "../ports/store.js";

/** Most files one version may pin (a model folder); more is refused rather than read unbounded. */
export const MAX_VERSION_FILES = 10_000;
const PAGE = 1000;

export interface ResolvedArtifact {
  /** The digest when the path is one file. */
  sha256: string | null;
  size: number;
  fileCount: number;
  /** Every file pinned, with its path in the run. */
  files: VersionFileRecord[];
}

/** Normalises an artifact path given for a version: no leading or trailing slashes. */
export function normaliseModelPath(path: string): string {
  return path.replace(/^\/+/, "").replace(/\/+$/, "");
}

/**
 * The live artifact(s) a version points at: the file at `path`, or every file under the folder
 * `path/` (every file of the run for ""). Null when there is none.
 */
export async function resolveModelArtifact(
  store: Store,
  runId: string,
  path: string,
): Promise<ResolvedArtifact | null> {
  if (path !== "") {
    const file = await store.artifacts.getArtifact(runId, path);
    if (file && file.deletedAt === null && file.collectedAt === null) {
      return {
        sha256: file.sha256,
        size: file.size,
        fileCount: 1,
        files: [{ path, sha256: file.sha256, size: file.size }],
      };
    }
  }
  const prefix = path === "" ? "" : `${path}/`;
  const files: VersionFileRecord[] = [];
  let size = 0;
  let fileCount = 0;
  let afterPath: string | undefined;
  for (;;) {
    const page = await store.artifacts.listArtifacts({
      runId,
      prefix: prefix || undefined,
      includeDeleted: false,
      afterPath,
      limit: PAGE,
    });
    for (const a of page) {
      files.push({ path: a.path, sha256: a.sha256, size: a.size });
      size += a.size;
      fileCount++;
    }
    if (fileCount > MAX_VERSION_FILES) return { sha256: null, size, fileCount, files };
    if (page.length < PAGE) break;
    afterPath = page.at(-1)?.path;
  }
  if (fileCount === 0) return null;
  return { sha256: null, size, fileCount, files };
}
