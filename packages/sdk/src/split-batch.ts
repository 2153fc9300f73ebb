/**
 * Halves a metrics batch the server found too large (413). Nothing of a refused batch was
 * stored, so the halves may carry new batch ids; the ids derive from the original (`…a`, `…b`)
 * so a split repeated after a restart yields the same ids.
 */
export function splitBatch(name: string, body: string): { name: string; body: string; points: number }[] | undefined {
  let parsed: { batchId?: unknown; points?: unknown };
  try {
    parsed = JSON.parse(body) as { batchId?: unknown; points?: unknown };
  } catch {
    return undefined;
  }
  const points = parsed.points;
  if (!Array.isArray(points) || points.length < 2) return undefined;
  const middle = Math.ceil(points.length / 2);
  const halves = [points.slice(0, middle), points.slice(middle)];
  return halves.map((part, i) => {
    const suffix = i === 0 ? "a" : "b";
    const batchId = typeof parsed.batchId === "string" ? `${parsed.batchId}${suffix}` : undefined;
    return {
      name: name.replace(/\.logMetrics\.json$/, `${suffix}.logMetrics.json`),
      body: JSON.stringify(batchId === undefined ? { points: part } : { batchId, points: part }),
      points: part.length,
    };
  });
}

/**
 * Records a crash left half-split (a spooled batch and some of its halves on disk): when both
 * halves exist the original is redundant, otherwise the lone half is. Returns the names to
 * delete so that no point is sent under two batch ids.
 */
export function leftoversOfSplits(names: readonly string[]): string[] {
  const present = new Set(names);
  const drop = new Set<string>();
  for (const name of names) {
    // `…<seq><halves>.logMetrics.json`: the last letter says which half of its parent this is.
    const match = /^(.*\d[ab]*)([ab])(\.logMetrics\.json)$/.exec(name);
    if (match === null) continue;
    const [, stem, half, ext] = match as unknown as [string, string, string, string];
    const parent = `${stem}${ext}`;
    if (!present.has(parent)) continue;
    if (present.has(`${stem}${half === "a" ? "b" : "a"}${ext}`)) drop.add(parent);
    else drop.add(name);
  }
  return [...drop];
}
