/** One line of a line diff: unchanged, only in A (removed) or only in B (added). */
export interface DiffOp {
  kind: "eq" | "del" | "add";
  text: string;
}

export interface LineDiff {
  ops: DiffOp[];
  /** True when the edit distance exceeded the budget and the middle is shown as replaced whole. */
  coarse: boolean;
}

export function splitLines(text: string | null | undefined): string[] {
  if (!text) return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * Myers' O(ND) diff of two line arrays (the shortest edit script), after trimming the common
 * prefix and suffix. When more than `maxEdits` edits are needed the changed middle is reported
 * as deleted then added (`coarse`), so a huge diff costs bounded time and memory.
 */
export function diffLines(a: readonly string[], b: readonly string[], maxEdits = 2_000): LineDiff {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const head: DiffOp[] = a.slice(0, start).map((text) => ({ kind: "eq", text }));
  const tail: DiffOp[] = a.slice(endA).map((text) => ({ kind: "eq", text }));
  const middle = myers(a.slice(start, endA), b.slice(start, endB), maxEdits);
  if (middle) return { ops: [...head, ...middle, ...tail], coarse: false };
  const replaced: DiffOp[] = [
    ...a.slice(start, endA).map((text): DiffOp => ({ kind: "del", text })),
    ...b.slice(start, endB).map((text): DiffOp => ({ kind: "add", text })),
  ];
  return { ops: [...head, ...replaced, ...tail], coarse: true };
}

function myers(a: readonly string[], b: readonly string[], maxEdits: number): DiffOp[] | null {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((text) => ({ kind: "add", text }));
  if (m === 0) return a.map((text) => ({ kind: "del", text }));
  const max = Math.min(n + m, maxEdits);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] keeps only the diagonals round d can read (±d+1): memory grows as D², not D·(N+M).
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)))
        x = v[offset + k + 1] as number;
      else x = (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, a, b, d);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], a: readonly string[], b: readonly string[], dEnd: number): DiffOp[] {
  const ops: DiffOp[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = dEnd; d > 0; d--) {
    const saved = trace[d] as Int32Array;
    const at = (k: number) => saved[k + d + 1] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: "eq", text: a[--x] as string });
      y--;
    }
    if (down) ops.push({ kind: "add", text: b[--y] as string });
    else ops.push({ kind: "del", text: a[--x] as string });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: "eq", text: a[--x] as string });
    y--;
  }
  return ops.reverse();
}

/** The ops as unified-diff style lines with `context` unchanged lines around each change. */
export function toUnifiedLines(
  ops: readonly DiffOp[],
  context = 3,
): { kind: "add" | "del" | "ctx" | "hunk"; text: string }[] {
  const keep = new Array<boolean>(ops.length).fill(false);
  ops.forEach((op, i) => {
    if (op.kind === "eq") return;
    for (let j = Math.max(0, i - context); j <= Math.min(ops.length - 1, i + context); j++) keep[j] = true;
  });
  const out: { kind: "add" | "del" | "ctx" | "hunk"; text: string }[] = [];
  let lineA = 1;
  let lineB = 1;
  let inHunk = false;
  ops.forEach((op, i) => {
    if (keep[i]) {
      if (!inHunk) out.push({ kind: "hunk", text: `@@ A line ${lineA}, B line ${lineB} @@` });
      inHunk = true;
      const sign = op.kind === "add" ? "+" : op.kind === "del" ? "-" : " ";
      out.push({ kind: op.kind === "eq" ? "ctx" : op.kind, text: `${sign}${op.text}` });
    } else inHunk = false;
    if (op.kind !== "add") lineA++;
    if (op.kind !== "del") lineB++;
  });
  return out;
}
