/**
 * Paging and layout math of the runs table (pure, unit-tested). The table is a flat list of
 * "segments": one per group (a header row plus, when expanded, its runs) or a single headerless
 * segment when nothing is grouped. Runs inside a segment are fetched by offset in fixed pages,
 * so any row index maps to one page and jumping to row 50,000 fetches exactly that page.
 */

export interface Segment {
  key: string;
  /** 1 when the segment starts with a group header row. */
  header: 0 | 1;
  /** Runs shown under the header (0 when collapsed). */
  rows: number;
}

export interface Layout {
  segments: Segment[];
  /** Index of each segment's first list row. */
  starts: number[];
  total: number;
}

export type RowSlot =
  | { kind: "header"; segment: number }
  | { kind: "run"; segment: number; row: number; page: number; offsetInPage: number };

export function buildLayout(segments: Segment[]): Layout {
  const starts: number[] = [];
  let total = 0;
  for (const s of segments) {
    starts.push(total);
    total += s.header + Math.max(0, s.rows);
  }
  return { segments, starts, total };
}

/** Which segment a list index falls in (binary search: layouts may hold thousands of groups). */
export function segmentAt(layout: Layout, index: number): number {
  let lo = 0;
  let hi = layout.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((layout.starts[mid] as number) <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function locate(layout: Layout, index: number, pageSize: number): RowSlot | null {
  if (index < 0 || index >= layout.total || layout.segments.length === 0) return null;
  const segment = segmentAt(layout, index);
  const s = layout.segments[segment] as Segment;
  const local = index - (layout.starts[segment] as number);
  if (local < s.header) return { kind: "header", segment };
  const row = local - s.header;
  return { kind: "run", segment, row, page: Math.floor(row / pageSize), offsetInPage: row % pageSize };
}

export interface PageRequest {
  segment: number;
  page: number;
  offset: number;
  limit: number;
}

/**
 * The pages needed to show list rows [start, end] (inclusive), one request per (segment, page),
 * in list order. `overscanPages` also prefetches the neighbouring pages inside each segment.
 */
export function pagesForRange(
  layout: Layout,
  start: number,
  end: number,
  pageSize: number,
  overscanPages = 0,
): PageRequest[] {
  const out: PageRequest[] = [];
  if (layout.total === 0 || end < start) return out;
  const first = Math.max(0, start);
  const last = Math.min(layout.total - 1, end);
  const seen = new Set<string>();
  const add = (segment: number, page: number) => {
    const s = layout.segments[segment] as Segment;
    const maxPage = Math.ceil(s.rows / pageSize) - 1;
    if (page < 0 || page > maxPage) return;
    const key = `${segment}:${page}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ segment, page, offset: page * pageSize, limit: pageSize });
  };
  let index = first;
  while (index <= last) {
    const segment = segmentAt(layout, index);
    const s = layout.segments[segment] as Segment;
    const segStart = layout.starts[segment] as number;
    const segEnd = segStart + s.header + s.rows - 1;
    const runFrom = Math.max(index, segStart + s.header) - segStart - s.header;
    const runTo = Math.min(last, segEnd) - segStart - s.header;
    if (runTo >= runFrom && s.rows > 0) {
      const p0 = Math.floor(runFrom / pageSize);
      const p1 = Math.floor(runTo / pageSize);
      for (let p = p0 - overscanPages; p <= p1 + overscanPages; p++) add(segment, p);
    }
    index = segEnd + 1;
  }
  return out;
}

/** The headerless single segment of an ungrouped table; `total` may still be unknown. */
export function flatLayout(total: number | null, pageSize: number): Layout {
  return buildLayout([{ key: "all", header: 0, rows: total ?? pageSize }]);
}
