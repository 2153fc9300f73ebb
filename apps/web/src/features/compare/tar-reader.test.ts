import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gunzipStream } from "./snapshot-download.js";
import { parsePaxRecords, readTar } from "./tar-reader.js";

let dir: string;
const longNested = `${"deep/".repeat(25)}module.py`; // 134 chars: name + prefix
const longName = `${"n".repeat(150)}.txt`; // one 154-char component: needs a pax header
const binary = new Uint8Array(700).map((_, i) => (i * 31) % 256);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "looplab-tar-"));
  const root = join(dir, "tree");
  await mkdir(join(root, "src/models"), { recursive: true });
  await mkdir(join(root, "empty-dir"), { recursive: true });
  await mkdir(join(root, longNested, ".."), { recursive: true });
  await writeFile(join(root, "train.py"), "import torch\nlr = 0.1\n");
  await writeFile(join(root, "src/models/net.py"), "class Net:\n    pass\n");
  await writeFile(join(root, "src/empty.txt"), "");
  await writeFile(join(root, "weights.bin"), binary);
  await writeFile(join(root, longNested), "print('deep')\n");
  await writeFile(join(root, longName), "long name\n");
  // Like the SDK's snapshot (portable, gzip), plus directories (recursed into).
  await createTar({ gzip: true, cwd: root, portable: true, file: join(dir, "snap.tar.gz") }, [
    "train.py",
    "src",
    "empty-dir",
    "weights.bin",
    "deep",
    longName,
  ]);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function unpacked(): Promise<Uint8Array> {
  const gz = await readFile(join(dir, "snap.tar.gz"));
  return gunzipStream(new Response(gz).body as ReadableStream<Uint8Array>);
}

describe("readTar on a tarball made by node-tar", () => {
  it("lists the regular files with their bytes, skipping directories", async () => {
    const bytes = await unpacked();
    // node-tar wrote a pax header for the long single-component name.
    expect(new TextDecoder().decode(bytes)).toContain(`path=${longName}`);
    const files = readTar(bytes);
    const byPath = new Map(files.map((f) => [f.path, new TextDecoder().decode(f.data)]));
    expect([...byPath.keys()].sort()).toEqual(
      [longNested, longName, "src/empty.txt", "src/models/net.py", "train.py", "weights.bin"].sort(),
    );
    expect(byPath.get("train.py")).toBe("import torch\nlr = 0.1\n");
    expect(byPath.get("src/models/net.py")).toBe("class Net:\n    pass\n");
    expect(byPath.get("src/empty.txt")).toBe("");
    expect(byPath.get(longNested)).toBe("print('deep')\n");
    expect(byPath.get(longName)).toBe("long name\n");
    expect(files.find((f) => f.path === "weights.bin")?.data).toEqual(binary);
    expect(files.some((f) => f.path.includes("empty-dir"))).toBe(false);
  });

  it("rejects bytes that are not a tar archive, and truncated archives", async () => {
    expect(() => readTar(new Uint8Array(1024).fill(65))).toThrow(/not a tar archive/);
    const bytes = await unpacked();
    // Cut inside the first file's data (headers at 0, data from 512).
    const first = readTar(bytes)[0] as { data: Uint8Array };
    expect(first.data.length).toBeGreaterThan(0);
    expect(() => readTar(bytes.subarray(0, 512 + 1))).toThrow(/truncated|not a tar/);
    expect(readTar(new Uint8Array(1024))).toEqual([]);
  });

  it("gunzipStream stops past its limit", async () => {
    const gz = await readFile(join(dir, "snap.tar.gz"));
    await expect(gunzipStream(new Response(gz).body as ReadableStream<Uint8Array>, 100)).rejects.toThrow(/more than/);
  });
});

describe("parsePaxRecords", () => {
  it("reads length-prefixed key=value records", () => {
    const record = (kv: string) => {
      let n = kv.length + 3;
      while (`${n} ${kv}\n`.length !== n) n++;
      return `${n} ${kv}\n`;
    };
    const text = record("path=a/b=c.txt") + record("mtime=1.5");
    const map = parsePaxRecords(new TextEncoder().encode(text));
    expect(map.get("path")).toBe("a/b=c.txt");
    expect(map.get("mtime")).toBe("1.5");
  });
});
