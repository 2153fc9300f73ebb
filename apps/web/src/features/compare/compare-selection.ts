export const MAX_COMPARE_RUNS = 50;

/** Run ids from `?runs=a,b,…`: trimmed, de-duplicated, only well-formed ids, at most 50. */
export function parseRunIds(text: string | null): { ids: string[]; dropped: number } {
  const raw = (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const ids: string[] = [];
  for (const id of raw) if (/^[0-9a-f]{32}$/.test(id) && !ids.includes(id)) ids.push(id);
  const capped = ids.slice(0, MAX_COMPARE_RUNS);
  return { ids: capped, dropped: raw.length - capped.length };
}

/** The reference run: `?ref=` when it is one of the runs, else the first. */
export function referenceIndex(ids: readonly string[], ref: string | null): number {
  const i = ref === null ? -1 : ids.indexOf(ref);
  return i < 0 ? 0 : i;
}
