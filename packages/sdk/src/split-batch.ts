/**
 * Halves a metrics batch the server found too large (413). Nothing of a refused batch was
 * stored, so the halves may carry new batch ids; the ids derive from the original (`…a`, `…b`)
 * so a split repeated after a restart yields the same ids.
 */
export function splitBatch(name: string, body: string): { name: string; body: string; points: number }[] | undefined {
  let parsed: BatchBody;
  try {
    parsed = JSON.parse(body) as BatchBody;
  } catch {
    return undefined;
  }
  // Spooled batches of older SDK versions carry `points`; current ones carry columnar `series`.
  const points = Array.isArray(parsed.points) ? parsed.points : [];
  const series = Array.isArray(parsed.series) ? parsed.series.filter(isSeries) : [];
  const total = points.length + series.reduce((sum, s) => sum + s.steps.length, 0);
  if (total < 2) return undefined;
  const middle = Math.ceil(total / 2);
  const halves = [takeRange(points, series, 0, middle), takeRange(points, series, middle, total)];
  return halves.map((part, i) => {
    const suffix = i === 0 ? "a" : "b";
    const batchId = typeof parsed.batchId === "string" ? `${parsed.batchId}${suffix}` : undefined;
    return {
      name: name.replace(/\.logMetrics\.json$/, `${suffix}.logMetrics.json`),
      body: JSON.stringify(batchId === undefined ? part.body : { batchId, ...part.body }),
      points: part.count,
    };
  });
}

interface SeriesBody {
  key: unknown;
  steps: unknown[];
  values: unknown[];
  times?: unknown[];
}

interface BatchBody {
  batchId?: unknown;
  points?: unknown;
  series?: unknown;
}

function isSeries(value: unknown): value is SeriesBody {
  const s = value as SeriesBody | null;
  return typeof s === "object" && s !== null && Array.isArray(s.steps) && Array.isArray(s.values);
}

/** Points [from, to) of the batch, counting `points` first and then each series in order. */
function takeRange(points: unknown[], series: SeriesBody[], from: number, to: number) {
  const body: { points?: unknown[]; series?: SeriesBody[] } = {};
  const ownPoints = points.slice(from, to);
  if (ownPoints.length > 0) body.points = ownPoints;
  let offset = points.length;
  const parts: SeriesBody[] = [];
  for (const s of series) {
    const start = Math.max(from - offset, 0);
    const end = Math.min(to - offset, s.steps.length);
    if (start < end) {
      const part: SeriesBody = { key: s.key, steps: s.steps.slice(start, end), values: s.values.slice(start, end) };
      if (Array.isArray(s.times)) part.times = s.times.slice(start, end);
      parts.push(part);
    }
    offset += s.steps.length;
  }
  if (parts.length > 0) body.series = parts;
  return { body, count: Math.max(0, Math.min(to, offset) - from) };
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
