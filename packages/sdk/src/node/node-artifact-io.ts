import { basename, resolve } from "node:path";
import { invalidArgument } from "@looplab/core";
import type { ArtifactIo, LocalUpload } from "../artifact-io.js";
import { downloadArtifactFiles } from "./artifact-download.js";
import { packCodeSnapshot } from "./code-snapshot.js";
import { fileSource, selectLocalFiles } from "./local-files.js";
import { createFileUploadSessions } from "./upload-sessions.js";

/** Where `latestCheckpoint` puts checkpoints by default: `.looplab/checkpoints/<runId>/<step>` under the cwd. */
export function defaultCheckpointDir(runId: string, step: number, cwd = process.cwd()): string {
  return resolve(cwd, ".looplab", "checkpoints", runId, String(step));
}

/** Artifact file access in Node: local files, downloads with ranged resume, code snapshots. */
export function createNodeArtifactIo(options: { uploadSessionsDir?: string | false } = {}): ArtifactIo {
  const dir = options.uploadSessionsDir;
  return {
    ...(dir === false ? {} : { sessions: createFileUploadSessions(dir) }),
    async collect(pathOnDisk, name, defaultFolder) {
      const selection = await selectLocalFiles(pathOnDisk);
      if (name !== undefined && (name.startsWith("/") || name.endsWith("/"))) {
        throw invalidArgument(`artifact name '${name}' must be a relative path without a trailing '/'`);
      }
      if (selection.kind === "file") {
        const file = selection.files[0];
        if (!file) return [];
        const path = name || (defaultFolder ? `${defaultFolder}/${selection.name}` : selection.name);
        return [{ artifactPath: path, size: file.size, open: () => fileSource(file) }];
      }
      if (selection.files.length === 0) throw invalidArgument(`folder ${pathOnDisk} holds no files`);
      const prefix = name ?? defaultFolder ?? selection.name;
      return selection.files.map(
        (file): LocalUpload => ({
          artifactPath: prefix === "" ? file.relativePath : `${prefix}/${file.relativePath}`,
          size: file.size,
          open: () => fileSource(file),
        }),
      );
    },

    async downloadCheckpoint(deps, checkpoint, dir) {
      const folder = dir ?? defaultCheckpointDir(checkpoint.runId, checkpoint.step);
      const first = checkpoint.files[0]?.path ?? "";
      const single = checkpoint.files.length === 1;
      const base = single
        ? first.slice(0, first.length - basename(first).length)
        : commonFolder(checkpoint.files.map((f) => f.path));
      const outcomes = await downloadArtifactFiles(deps, checkpoint.runId, checkpoint.files, folder, base);
      const files = outcomes.map((o) => o.target);
      return {
        runId: checkpoint.runId,
        step: checkpoint.step,
        path: single ? (files[0] ?? folder) : resolve(folder),
        files,
        metrics: checkpoint.metrics,
        bytesReceived: outcomes.reduce((sum, o) => sum + o.bytesReceived, 0),
      };
    },

    codeSnapshot: (options) => packCodeSnapshot(options),
  };
}

/** The longest folder prefix (ending with '/') shared by every path, or "". */
function commonFolder(paths: string[]): string {
  const first = paths[0] ?? "";
  let folder = first.slice(0, first.lastIndexOf("/") + 1);
  while (folder !== "" && !paths.every((p) => p.startsWith(folder))) {
    folder = folder.slice(0, folder.slice(0, -1).lastIndexOf("/") + 1);
  }
  return folder;
}
