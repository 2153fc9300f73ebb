import { describe, expect, it } from "vitest";
import { buildLayout, flatLayout, locate, pagesForRange, segmentAt } from "./row-window.js";

describe("row window (offset paging)", () => {
  it("maps a far scroll position to exactly the pages under it", () => {
    const layout = flatLayout(100_000, 200);
    expect(layout.total).toBe(100_000);
    expect(pagesForRange(layout, 50_000, 50_030, 200)).toEqual([{ segment: 0, page: 250, offset: 50_000, limit: 200 }]);
    // A window straddling a page boundary needs both pages.
    expect(pagesForRange(layout, 399, 420, 200).map((p) => p.offset)).toEqual([200, 400]);
    expect(locate(layout, 50_123, 200)).toEqual({ kind: "run", segment: 0, row: 50_123, page: 250, offsetInPage: 123 });
  });

  it("clamps to the list and adds neighbouring pages as overscan", () => {
    const layout = flatLayout(450, 200);
    expect(pagesForRange(layout, 440, 9_999, 200).map((p) => p.page)).toEqual([2]);
    expect(pagesForRange(layout, 210, 230, 200, 1).map((p) => p.page)).toEqual([0, 1, 2]);
    expect(pagesForRange(flatLayout(0, 200), 0, 10, 200)).toEqual([]);
    expect(locate(layout, 450, 200)).toBeNull();
  });

  it("lays out groups as header rows followed by their expanded runs", () => {
    const layout = buildLayout([
      { key: "a", header: 1, rows: 0 },
      { key: "b", header: 1, rows: 250 },
      { key: "c", header: 1, rows: 0 },
    ]);
    expect(layout.total).toBe(1 + 251 + 1);
    expect(layout.starts).toEqual([0, 1, 252]);
    expect(segmentAt(layout, 252)).toBe(2);
    expect(locate(layout, 0, 200)).toEqual({ kind: "header", segment: 0 });
    expect(locate(layout, 1, 200)).toEqual({ kind: "header", segment: 1 });
    expect(locate(layout, 2, 200)).toMatchObject({ kind: "run", segment: 1, row: 0, page: 0 });
    expect(locate(layout, 203, 200)).toMatchObject({ kind: "run", segment: 1, row: 201, page: 1, offsetInPage: 1 });
    expect(pagesForRange(layout, 0, 252, 200)).toEqual([
      { segment: 1, page: 0, offset: 0, limit: 200 },
      { segment: 1, page: 1, offset: 200, limit: 200 },
    ]);
  });
});
