import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { crc32 } from "node:zlib";
import { invalidArgument, notFound, type PartChecksum } from "@looplab/core";
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

/** sha256 of a file, read as a stream (never whole in memory). */
export async function hashFile(path: string, limit?: number): Promise<string> {
  const hash = createHash("sha256");
  const stream = createReadStream(path, limit === undefined ? {} : { start: 0, end: limit - 1 });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A part's CRC-32 as the server's `x-looplab-part-crc32` check expects it. */
export function crc32Checksum(bytes: Uint8Array): PartChecksum {
  return `crc32:${crc32(bytes).toString(16).padStart(8, "0")}`;
}

/** An upload source over a file: hashed by streaming first, then read part by part. */
export async function fileSource(file: LocalFile): Promise<UploadSource> {
  const sha256 = await hashFile(file.absolutePath);
  return {
    size: file.size,
    sha256,
    partChecksum: crc32Checksum,
    async read(offset, length) {
      const handle = await open(file.absolutePath, "r");
      try {
        const bytes = new Uint8Array(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        if (filled < length) throw invalidArgument(`${file.absolutePath} shrank while it was being uploaded`);
        return bytes;
      } finally {
        await handle.close();
      }
    },
  };
}
