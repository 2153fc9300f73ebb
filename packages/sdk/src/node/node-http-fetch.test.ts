import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "./node-http-fetch.js";

describe("nodeHttpFetch (upload parts over node:http)", () => {
  let server: http.Server;
  let base: string;
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; bytes: number; aborted: boolean }[] =
    [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, bytes: 0, aborted: false };
      seen.push(entry);
      req.on("data", (chunk: Buffer) => {
        entry.bytes += chunk.length;
      });
      req.on("aborted", () => {
        entry.aborted = true;
      });
      req.on("end", () => {
        if (req.url === "/empty") {
          res.writeHead(204).end();
          return;
        }
        if (req.url === "/slow") return; // never answers: the client aborts
        res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "application/json", "x-reply": "yes" });
        res.end(JSON.stringify({ got: entry.bytes }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the bytes with their length and headers, and answers a Response with status, headers and body", async () => {
    const body = new Uint8Array(3 * 1024 * 1024).fill(7);
    const res = await nodeHttpFetch(`${base}/parts/1?x=1`, {
      method: "PUT",
      body,
      headers: { "content-type": "application/octet-stream", "x-looplab-part-crc32": "0a6216d9" },
    });
    expect(res.status).toBe(200);
    expect(res.ok).toBe(true);
    expect(res.headers.get("x-reply")).toBe("yes");
    expect(await res.json()).toEqual({ got: body.length });
    const last = seen.at(-1);
    expect(last).toMatchObject({ method: "PUT", url: "/parts/1?x=1", bytes: body.length });
    expect(last?.headers["content-length"]).toBe(String(body.length));
    expect(last?.headers["x-looplab-part-crc32"]).toBe("0a6216d9");
  });

  it("passes error statuses through and gives a 204 an empty body", async () => {
    const missing = await nodeHttpFetch(`${base}/missing`, { method: "GET" });
    expect([missing.status, missing.ok, await missing.json()]).toEqual([404, false, { got: 0 }]);
    const empty = await nodeHttpFetch(`${base}/empty`, { method: "PUT", body: new Uint8Array(5) });
    expect([empty.status, await empty.text()]).toEqual([204, ""]);
  });

  it("fails like fetch: a TypeError with its cause when nothing listens, the signal's reason when aborted", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await nodeHttpFetch(`http://127.0.0.1:${port}/`, { method: "GET" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as TypeError & { cause: { code?: string } }).cause.code).toBe("ECONNREFUSED");

    const controller = new AbortController();
    const pending = nodeHttpFetch(`${base}/slow`, {
      method: "PUT",
      body: new Uint8Array(10),
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("stop")), 50);
    await expect(pending).rejects.toThrow("stop");
    const before = new AbortController();
    before.abort(new Error("already"));
    await expect(nodeHttpFetch(`${base}/parts/2`, { method: "GET", signal: before.signal })).rejects.toThrow("already");
  });

  it("refuses bodies it cannot send as bytes", async () => {
    await expect(nodeHttpFetch(`${base}/x`, { method: "PUT", body: "text" })).rejects.toThrow(TypeError);
  });
});
