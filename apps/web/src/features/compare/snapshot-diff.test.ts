import { describe, expect, it } from "vitest";
import { decodeText, diffSnapshots, MAX_LINE_DIFF_BYTES } from "./snapshot-diff.js";

const text = (path: string, s: string) => ({ path, data: new TextEncoder().encode(s) });
const bytes = (path: string, b: number[]) => ({ path, data: new Uint8Array(b) });

describe("diffSnapshots", () => {
  it("classifies files as added, removed, changed or unchanged by content", () => {
    const a = [text("same.py", "x = 1\n"), text("train.py", "lr = 0.1\n"), text("old.py", "gone\n")];
    const b = [text("train.py", "lr = 0.2\n"), text("same.py", "x = 1\n"), text("new/added.py", "hi\n")];
    const diff = diffSnapshots(a, b);
    expect(diff.added).toEqual([{ path: "new/added.py", size: 3 }]);
    expect(diff.removed).toEqual([{ path: "old.py", size: 5 }]);
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toEqual([
      { path: "train.py", sizeA: 9, sizeB: 9, kind: "text", textA: "lr = 0.1\n", textB: "lr = 0.2\n" },
    ]);
  });

  it("marks binary and oversized changes without decoding them", () => {
    const big = "a".repeat(MAX_LINE_DIFF_BYTES + 1);
    const a = [bytes("w.bin", [0, 1, 2]), text("big.txt", big), bytes("latin1.txt", [0xe9, 0x0a])];
    const b = [bytes("w.bin", [0, 1, 3, 4]), text("big.txt", `${big}b`), bytes("latin1.txt", [0xe8, 0x0a])];
    const diff = diffSnapshots(a, b);
    expect(diff.changed.map((c) => [c.path, c.kind, c.sizeA, c.sizeB, c.textA])).toEqual([
      ["big.txt", "large", big.length, big.length + 1, null],
      ["latin1.txt", "binary", 2, 2, null],
      ["w.bin", "binary", 3, 4, null],
    ]);
  });

  it("treats an empty file as text and a later duplicate entry as the file's content", () => {
    const diff = diffSnapshots(
      [text("e.txt", ""), text("d.txt", "1\n"), text("d.txt", "2\n")],
      [text("e.txt", "x\n"), text("d.txt", "2\n")],
    );
    expect(diff.unchanged).toBe(1);
    expect(diff.changed).toEqual([{ path: "e.txt", sizeA: 0, sizeB: 2, kind: "text", textA: "", textB: "x\n" }]);
  });

  it("decodeText rejects NUL bytes and invalid UTF-8", () => {
    expect(decodeText(new TextEncoder().encode("héllo"))).toBe("héllo");
    expect(decodeText(new Uint8Array([104, 0, 105]))).toBeNull();
    expect(decodeText(new Uint8Array([0xff, 0xfe]))).toBeNull();
  });
});
