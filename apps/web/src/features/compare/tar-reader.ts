/** One regular file of a tar archive; `data` is a view into the archive's bytes. */
export interface TarFile {
  path: string;
  data: Uint8Array;
}

const BLOCK = 512;
const decoder = new TextDecoder();

function field(block: Uint8Array, start: number, length: number): string {
  const bytes = block.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return decoder.decode(end === -1 ? bytes : bytes.subarray(0, end));
}

/** A numeric header field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Uint8Array, start: number, length: number): number {
  const bytes = block.subarray(start, start + length);
  if (((bytes[0] as number) & 0x80) !== 0) {
    let value = (bytes[0] as number) & 0x7f;
    for (let i = 1; i < bytes.length; i++) value = value * 256 + (bytes[i] as number);
    return value;
  }
  const text = field(block, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`not a tar archive: bad number field "${text}"`);
  return Number.parseInt(text, 8);
}

function checksumOk(block: Uint8Array): boolean {
  const stored = numeric(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (block[i] as number);
  return sum === stored;
}

/** Pax extended header records: "<length> <key>=<value>\n" repeated. */
export function parsePaxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    let space = at;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number.parseInt(decoder.decode(data.subarray(at, space)), 10);
    if (!Number.isFinite(length) || length <= 0 || at + length > data.length) break;
    const record = decoder.decode(data.subarray(space + 1, at + length - 1)); // minus the "\n"
    const eq = record.indexOf("=");
    if (eq > 0) records.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return records;
}

const normalise = (path: string) => path.replace(/^(\.\/)+/, "").replace(/^\/+/, "");

/**
 * The regular files of an (uncompressed) ustar/pax/GNU tar archive, in archive order: names
 * from the `name` + `prefix` fields, a pax `x` header's `path`/`size`, or a GNU `L` long name.
 * Directories, links and other entries are skipped. Throws on a bad header checksum or a
 * truncated archive.
 */
export function readTar(bytes: Uint8Array): TarFile[] {
  const files: TarFile[] = [];
  let at = 0;
  let pax: Map<string, string> | null = null;
  let longName: string | null = null;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    if (!checksumOk(header)) throw new Error(`not a tar archive: bad header checksum at byte ${at}`);
    const type = String.fromCharCode(header[156] as number);
    const paxSize = pax?.get("size");
    const size = paxSize !== undefined ? Number(paxSize) : numeric(header, 124, 12);
    const start = at + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || start + size > bytes.length)
      throw new Error(`truncated tar archive at byte ${at}`);
    const data = bytes.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      pax = parsePaxRecords(data);
      continue;
    }
    if (type === "L") {
      longName = field(data, 0, data.length);
      continue;
    }
    if (type === "g" || type === "K") continue; // global pax header, GNU long link name
    const ustar = field(header, 257, 6).startsWith("ustar");
    const prefix = ustar ? field(header, 345, 155) : "";
    const name = field(header, 0, 100);
    const path = pax?.get("path") ?? longName ?? (prefix ? `${prefix}/${name}` : name);
    pax = null;
    longName = null;
    if (type === "0" || type === "\0" || type === "7") files.push({ path: normalise(path), data });
  }
  return files;
}
