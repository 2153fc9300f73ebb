import { createHash } from "node:crypto";
import { open, readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { crc32 } from "node:zlib";
import { crc32PartChecksum, invalidArgument, notFound, type PartChecksum } from "@looplab/core";
import type { UploadSource } from "../artifact-upload.js";

export interface LocalFile {
  absolutePath: string;
  /** '/'-separated path under the folder given; the file's own name for a single file. */
  relativePath: string;
  size: number;
}

export interface LocalSelection {
  kind: "file" | "folder";
  /** The file's or folder's own name (the default artifact name). */
  name: string;
  /** Regular files, ordered by relative path; symbolic links to files are followed. */
  files: LocalFile[];
}

/** The files to upload for a path on disk: the file itself, or every file under a folder. */
export async function selectLocalFiles(pathOnDisk: string): Promise<LocalSelection> {
  const root = resolve(pathOnDisk);
  const info = await stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw notFound(`no such file or folder: ${pathOnDisk}`);
    throw error;
  });
  const name = basename(root);
  if (info.isFile())
    return { kind: "file", name, files: [{ absolutePath: root, relativePath: name, size: info.size }] };
  if (!info.isDirectory()) throw invalidArgument(`not a file or folder: ${pathOnDisk}`);
  const files: LocalFile[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 64) throw invalidArgument(`folder nesting deeper than 64 levels under ${pathOnDisk}`);
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, depth + 1);
      else if (entry.isFile() || entry.isSymbolicLink()) {
        const s = await stat(full).catch(() => undefined);
        if (s?.isFile())
          files.push({ absolutePath: full, relativePath: relative(root, full).split(sep).join("/"), size: s.size });
      }
    }
  };
  await walk(root, 0);
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : a.relativePath > b.relativePath ? 1 : 0));
  return { kind: "folder", name, files };
}

/** sha256 of a file, read through one reused 1 MiB buffer (never whole in memory). */
export async function hashFile(path: string, limit?: number): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    const end = limit ?? Number.POSITIVE_INFINITY;
    for (let position = 0; position < end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, end - position), position);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

/** A part's CRC-32 as the server's `x-looplab-part-crc32` check expects it. */
export function crc32Checksum(bytes: Uint8Array): PartChecksum {
  return crc32PartChecksum(crc32(bytes));
}

/** An upload source over a file: hashed by streaming first, then read part by part. */
export async function fileSource(file: LocalFile): Promise<UploadSource> {
  const sha256 = await hashFile(file.absolutePath);
  return {
    size: file.size,
    sha256,
    partChecksum: crc32Checksum,
    read(offset, length) {
      return readFileRange(file.absolutePath, new Uint8Array(length), offset, length);
    },
    readInto(target, offset, length) {
      return readFileRange(file.absolutePath, target, offset, length);
    },
  };
}

/** Reads exactly `length` bytes at `offset` into the start of `target`; returns that part of it. */
async function readFileRange(path: string, target: Uint8Array, offset: number, length: number): Promise<Uint8Array> {
  const handle = await open(path, "r");
  try {
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(target, filled, length - filled, offset + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled < length) throw invalidArgument(`${path} shrank while it was being uploaded`);
    return target.subarray(0, length);
  } finally {
    await handle.close();
  }
}
