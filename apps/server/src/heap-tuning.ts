import { setFlagsFromString } from "node:v8";

/** How far V8 lets the old generation grow past the live heap before the next full GC: 200% = up to 3× live. */
export const SERVER_HEAP_GROWING_PERCENT = 200;

const FLAG = "--heap-growing-percent";

/**
 * Keeps streamed bodies from forcing a full GC every few dozen MiB.
 *
 * Every 64 KiB chunk of a request body (node:http copies each one) or of a file read for a download is a
 * fresh ArrayBuffer outside the JS heap. The V8 of Node 20 (11.3) adds the ArrayBuffer bytes allocated since
 * the last mark-compact to the old generation's size when it decides whether to start marking, and frees
 * young ArrayBuffers only at a scavenge, which it forces after 32 MiB of them. Once a mark-compact has set the
 * old-generation limit to V8's usual 1.1–2× of a ~40 MB server heap, the headroom is below those 32 MiB plus
 * the new space, so every such scavenge starts a full mark-compact that frees nothing: ~30–70 of them per GiB
 * transferred. A fixed growing factor keeps the headroom at twice the live heap instead.
 *
 * Process-wide and for the server process only (not for tests or embedders). An explicit
 * `node --heap-growing-percent=N` (0 = V8's own heuristics) wins. Returns the percent now in force, or
 * `undefined` when the operator chose.
 */
export function tuneHeapForStreaming(
  percent: number = SERVER_HEAP_GROWING_PERCENT,
  execArgv: readonly string[] = process.execArgv,
): number | undefined {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return undefined;
  setFlagsFromString(`${FLAG}=${percent}`);
  return percent;
}
