import http from "node:http";

/** Keep-alive node:http: fetch costs about 3× more client CPU per request, which on 2 cores starves the server. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export function postJson(url: string, body: string): Promise<{ status: number; json: any; serverMs: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const match = /dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""));
          resolve({
            status: res.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString("utf8")),
            serverMs: match ? Number(match[1]) : Number.NaN,
          });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export async function getJson(url: string): Promise<{ status: number; json: any; serverMs: number }> {
  const res = await fetch(url);
  const json = await res.json();
  return { status: res.status, json, serverMs: serverTiming(res) };
}

function serverTiming(res: Response): number {
  const match = /dur=([\d.]+)/.exec(res.headers.get("server-timing") ?? "");
  return match ? Number(match[1]) : Number.NaN;
}
