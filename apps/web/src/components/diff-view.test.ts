import { describe, expect, it } from "vitest";
import { parseUnifiedDiff } from "./diff-view.js";

const kinds = (text: string) => parseUnifiedDiff(text).map((l) => l.kind);

describe("parseUnifiedDiff", () => {
  it("classifies header, hunk, added, removed and context lines", () => {
    const text = "diff --git a/x b/x\nindex 1..2\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n";
    expect(kinds(text)).toEqual(["meta", "meta", "meta", "meta", "hunk", "ctx", "del", "add"]);
  });

  it("tells file headers from changed lines by the hunk's line counts", () => {
    const text =
      "--- a/x\n+++ b/x\n@@ -1 +1,2 @@\n--- removed line starting with dashes\n+++ added\n+more\n--- a/y\n+++ b/y\n@@ -3,0 +4 @@\n+z\n\\ No newline at end of file";
    expect(kinds(text)).toEqual(["meta", "meta", "hunk", "del", "add", "add", "meta", "meta", "hunk", "add", "meta"]);
  });
});
