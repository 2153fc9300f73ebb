/** Snapshots larger than this (compressed, as stored) are not downloaded for comparison. */
export const MAX_SNAPSHOT_BYTES = 50 * 1024 * 1024;
/** Unpacked, a snapshot may hold at most this much (a guard against gzip bombs). */
export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024;

/** Reads a gzip stream to its end through `DecompressionStream`, failing past `maxBytes` unpacked. */
export async function gunzipStream(
  stream: ReadableStream<Uint8Array>,
  maxBytes = MAX_UNPACKED_BYTES,
): Promise<Uint8Array> {
  const reader = stream
    .pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
    .getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new Error(`the snapshot unpacks to more than ${Math.round(maxBytes / 1024 / 1024)} MB`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Downloads a gzip'd artifact and returns its unpacked bytes. */
export async function fetchGunzipped(url: string, signal?: AbortSignal): Promise<Uint8Array> {
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`download failed: HTTP ${response.status}`);
  return gunzipStream(response.body);
}
