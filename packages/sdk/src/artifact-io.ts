import type { Checkpoint } from "@looplab/core";
import type { UploadDeps, UploadSessionMemory, UploadSource } from "./artifact-upload.js";

/** One local file to upload, under its artifact path. */
export interface LocalUpload {
  artifactPath: string;
  size: number;
  /** Hashes the file (streaming) and returns a source that reads it part by part. */
  open(): Promise<UploadSource>;
}

/** A checkpoint downloaded to the local disk. */
export interface LocalCheckpoint {
  runId: string;
  step: number;
  /** The local folder holding the checkpoint's files, or its single file. */
  path: string;
  /** Every local file, in the checkpoint's order. */
  files: string[];
  metrics: Record<string, number> | null;
  /** Bytes fetched over the network (0 when every file was already in the cache). */
  bytesReceived: number;
}

export interface CodeSnapshotOptions {
  /** Most bytes of files (before compression) a snapshot may hold (default 100 MiB). */
  maxBytes?: number;
  /** Working directory inside the repository (default the process's). */
  cwd?: string;
}

export type CodeSnapshot =
  | { ok: true; file: string; files: number; bytes: number; cleanup(): Promise<void> }
  | { ok: false; reason: string };

/**
 * File access for artifacts: reading files to upload, writing downloads, packing code
 * snapshots. Only the `node` entry provides one; without it, the calls that need the local
 * disk throw FAILED_PRECONDITION.
 */
export interface ArtifactIo {
  /**
   * The files of a path on disk with their artifact paths: a file becomes `name` (default its
   * own name); a folder's files become `<name>/<relative path>` (default the folder's name;
   * `""` puts them at the root). Without a name, `defaultFolder` (if given) holds the file, or
   * the folder's files directly.
   */
  collect(pathOnDisk: string, name: string | undefined, defaultFolder?: string): Promise<LocalUpload[]>;
  /** Downloads a checkpoint's files into `dir` (default `.looplab/checkpoints/<runId>/<step>`). */
  downloadCheckpoint(deps: UploadDeps, checkpoint: Checkpoint, dir: string | undefined): Promise<LocalCheckpoint>;
  /** Where open upload sessions are remembered, so that the next process resumes them. */
  sessions?: UploadSessionMemory;
  /** A gzipped tarball of the working tree's tracked and untracked-not-ignored files. */
  codeSnapshot(options: CodeSnapshotOptions): Promise<CodeSnapshot>;
}
