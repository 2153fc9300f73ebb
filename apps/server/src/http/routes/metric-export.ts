import { encodeFloat } from "@looplab/core";
import type { StoredPoint } from "../../ports/store.js";

type PointPages = AsyncGenerator<{ key: string; points: StoredPoint[] }>;

/** RFC 4180 quoting for keys; numbers are written as JavaScript prints them (NaN, Infinity). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function* toCsv(pages: PointPages): AsyncGenerator<string> {
  yield "key,step,value,time\n";
  for await (const { key, points } of pages) {
    const k = csvField(key);
    let chunk = "";
    for (const p of points) chunk += `${k},${p.step},${p.value},${p.time}\n`;
    yield chunk;
  }
}

export async function* toJsonLines(pages: PointPages): AsyncGenerator<string> {
  for await (const { key, points } of pages) {
    let chunk = "";
    for (const p of points)
      chunk += `${JSON.stringify({ key, step: p.step, value: encodeFloat(p.value), time: p.time })}\n`;
    yield chunk;
  }
}
