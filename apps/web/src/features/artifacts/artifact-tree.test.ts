import { describe, expect, it } from "vitest";
import {
  artifactContentUrl,
  buildArtifactTree,
  formatBytes,
  formatMetrics,
  shortSha,
  visibleRows,
} from "./artifact-tree.js";

const item = (path: string, size = 1) => ({ path, size });
const names = (rows: ReturnType<typeof visibleRows>) =>
  rows.map((r) => `${"  ".repeat(r.depth)}${r.node.name}${r.node.kind === "folder" ? "/" : ""}`);

describe("buildArtifactTree", () => {
  it("nests files under their '/'-separated folders, folders first, then by name", () => {
    const tree = buildArtifactTree([
      item("z.txt"),
      item("ckpt/step-2/model.pt"),
      item("ckpt/step-1/model.pt"),
      item("a.txt"),
      item("ckpt/notes.md"),
    ]);
    expect(names(visibleRows(tree, new Set()))).toEqual([
      "ckpt/",
      "  step-1/",
      "    model.pt",
      "  step-2/",
      "    model.pt",
      "  notes.md",
      "a.txt",
      "z.txt",
    ]);
  });

  it("sums sizes and counts files per folder", () => {
    const tree = buildArtifactTree([item("d/a", 10), item("d/e/b", 5), item("c", 1)]);
    expect(tree).toMatchObject({ size: 16, fileCount: 3, path: "" });
    const d = tree.children[0];
    expect(d).toMatchObject({ kind: "folder", name: "d", path: "d/", size: 15, fileCount: 2 });
    if (d?.kind !== "folder") throw new Error("expected a folder");
    expect(d.children[0]).toMatchObject({ kind: "folder", path: "d/e/", size: 5, fileCount: 1 });
  });

  it("keeps the original item on file nodes", () => {
    const original = { path: "x/y.bin", size: 3, sha256: "ab" };
    const [folder] = buildArtifactTree([original]).children;
    if (folder?.kind !== "folder") throw new Error("expected a folder");
    expect(folder.children[0]).toEqual({ kind: "file", name: "y.bin", path: "x/y.bin", item: original });
  });

  it("keeps a file and a folder of the same name", () => {
    const tree = buildArtifactTree([item("a"), item("a/b")]);
    expect(names(visibleRows(tree, new Set()))).toEqual(["a/", "  b", "a"]);
  });

  it("is empty for no artifacts", () => {
    const tree = buildArtifactTree([]);
    expect(tree).toMatchObject({ children: [], size: 0, fileCount: 0 });
    expect(visibleRows(tree, new Set())).toEqual([]);
  });
});

describe("visibleRows", () => {
  it("hides what is under a collapsed folder, at any depth", () => {
    const tree = buildArtifactTree([item("a/b/c"), item("a/d"), item("e")]);
    expect(names(visibleRows(tree, new Set(["a/b/"])))).toEqual(["a/", "  b/", "  d", "e"]);
    expect(names(visibleRows(tree, new Set(["a/"])))).toEqual(["a/", "e"]);
  });
});

describe("formatting", () => {
  it("formats bytes in human units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.50 KB");
    expect(formatBytes(300_000)).toBe("293 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.00 GB");
    expect(formatBytes(12.5 * 1024 ** 2)).toBe("12.5 MB");
    expect(formatBytes(-1)).toBe("–");
  });

  it("shortens digests and formats metrics", () => {
    expect(shortSha("0123456789abcdef".repeat(4))).toBe("0123456789ab");
    expect(formatMetrics({ "val/acc": 0.912345, loss: 0.5, step: 3 })).toBe("loss: 0.5, step: 3, val/acc: 0.9123");
    expect(formatMetrics(null)).toBe("");
  });

  it("builds the content URL with the path encoded", () => {
    expect(artifactContentUrl("http://h:1/", "r 1", "a b/c&d.txt")).toBe(
      "http://h:1/api/v1/runs/r%201/artifacts/content?path=a%20b%2Fc%26d.txt",
    );
  });
});
