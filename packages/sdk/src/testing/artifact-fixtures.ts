import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { FetchLike } from "../client.js";

export function tempDir(prefix = "looplab-artifacts-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes random bytes (or the given text) to `dir/relative`, creating folders; returns its sha256. */
export function writeFile(dir: string, relative: string, content: number | string): string {
  const path = join(dir, ...relative.split("/"));
  mkdirSync(dirname(path), { recursive: true });
  const bytes = typeof content === "number" ? randomBytes(content) : Buffer.from(content);
  writeFileSync(path, bytes);
  return createHash("sha256").update(bytes).digest("hex");
}

export interface WireLog {
  /** Bytes of upload part bodies handed to the network (cut attempts count what went out). */
  partBytes: number;
  /** Bytes of download bodies received. */
  downloadBytes: number;
  requests: { method: string; url: string; range: string | null }[];
}

/** A `fetch` that counts what goes over the wire; `tap` may replace a request's behaviour. */
export function countingFetch(tap?: (url: string, init: RequestInit, log: WireLog) => Promise<Response> | undefined): {
  fetch: FetchLike;
  log: WireLog;
} {
  const log: WireLog = { partBytes: 0, downloadBytes: 0, requests: [] };
  const fetchFn: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    log.requests.push({ method: init.method ?? "GET", url, range: headers.get("range") });
    const tapped = tap?.(url, init, log);
    if (tapped !== undefined) return tapped;
    if (/\/parts\/\d+$/.test(url) && init.body instanceof Uint8Array) log.partBytes += init.body.length;
    const response = await fetch(url, init);
    if (/\/artifacts\/content\?/.test(url) && init.method === "GET" && response.body !== null) {
      const counted = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            log.downloadBytes += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      );
      return new Response(counted, { status: response.status, headers: response.headers });
    }
    return response;
  };
  return { fetch: fetchFn, log };
}

/**
 * Sends the first `keep` bytes of `body` and then breaks the connection (the request body
 * stream errors), as a dropped network link would.
 */
export async function cutUpload(url: string, init: RequestInit, body: Uint8Array, keep: number): Promise<Response> {
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body.subarray(0, keep));
      setTimeout(() => controller.error(new Error("connection reset (test)")), 20);
    },
  });
  return fetch(url, { ...init, body: stream, duplex: "half" } as RequestInit);
}

/** A response whose body stops with an error after `keep` bytes (a dropped download). */
export function cutDownload(response: Response, keep: number): Response {
  const reader = response.body?.getReader();
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader?.read();
      if (!next || next.done) return controller.close();
      const room = keep - sent;
      if (room <= 0) {
        await reader?.cancel();
        return controller.error(new TypeError("terminated (test)"));
      }
      const chunk = next.value.subarray(0, room);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return new Response(stream, { status: response.status, headers: response.headers });
}
