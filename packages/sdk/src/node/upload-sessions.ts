import { createHash } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { UploadSessionMemory } from "../artifact-upload.js";

/** `LOOPLAB_UPLOADS_DIR`, else `~/.looplab/uploads`. */
export function defaultUploadSessionsDir(env: Record<string, string | undefined> = process.env): string {
  return env.LOOPLAB_UPLOADS_DIR || join(homedir(), ".looplab", "uploads");
}

/**
 * Open upload sessions remembered in a folder, one small file per (run, path, digest), so that
 * an upload cut off with its process resumes in the next one from the parts the server holds.
 * Files are removed once the upload completes; a stale one costs one `getUpload` request.
 */
export function createFileUploadSessions(dir: string = defaultUploadSessionsDir()): UploadSessionMemory {
  const file = (key: string) => join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 40)}.json`);
  return {
    async recall(key) {
      try {
        const record = JSON.parse(await readFile(file(key), "utf8")) as { key?: unknown; uploadId?: unknown };
        return record.key === key && typeof record.uploadId === "string" ? record.uploadId : undefined;
      } catch {
        return undefined;
      }
    },
    async remember(key, uploadId) {
      await mkdir(dir, { recursive: true });
      const tmp = `${file(key)}.${process.pid}.tmp`;
      await writeFile(tmp, JSON.stringify({ key, uploadId, at: Date.now() }));
      await rename(tmp, file(key));
    },
    async forget(key) {
      await unlink(file(key)).catch(() => {});
    },
  };
}
