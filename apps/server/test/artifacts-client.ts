import { createHash } from "node:crypto";

/** Plain-fetch helpers for the artifact API tests (no SDK on purpose). */
export const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function artifactsApi(base: string) {
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { "content-type": "application/json" };
    }
    const res = await fetch(`${base}${path}`, init);
    return { status: res.status, body: await json(res), headers: res.headers };
  };

  async function newRun(project = "art"): Promise<string> {
    const res = await call("POST", "/api/v1/runs", { project });
    if (res.status !== 201) throw new Error(`run not created: ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  }

  function putPart(uploadId: string, n: number, bytes: Uint8Array, digest = sha(bytes)) {
    return fetch(`${base}/api/v1/uploads/${uploadId}/parts/${n}`, {
      method: "PUT",
      body: bytes,
      headers: { "content-type": "application/octet-stream", "x-looplab-part-sha256": digest },
    }).then(async (res) => ({ status: res.status, body: await json(res) }));
  }

  async function startUpload(runId: string, path: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
    return await call("POST", `/api/v1/runs/${runId}/uploads`, {
      path,
      size: bytes.length,
      sha256: sha(bytes),
      ...extra,
    });
  }

  /** Create, send every part, complete. Returns the completion response. */
  async function upload(runId: string, path: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) {
    const created = await startUpload(runId, path, bytes, extra);
    if (created.status !== 201) return created;
    const session = created.body;
    if (session.state === "complete") return { status: 200, body: session, headers: created.headers };
    for (let n = 1; n <= session.partCount; n++) {
      const part = bytes.subarray((n - 1) * session.partSize, n * session.partSize);
      const res = await putPart(session.uploadId, n, part);
      if (res.status !== 200) throw new Error(`part ${n}: ${res.status} ${JSON.stringify(res.body)}`);
    }
    return await call("POST", `/api/v1/uploads/${session.uploadId}/complete`);
  }

  async function download(runId: string, path: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/api/v1/runs/${runId}/artifacts/content?path=${encodeURIComponent(path)}`, {
      headers,
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, bytes };
  }

  return { call, newRun, putPart, startUpload, upload, download };
}
