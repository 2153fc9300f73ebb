/** A tiny HTTP client for the MLflow conformance tests: sends what the official client sends. */
export interface MlflowResponse {
  status: number;
  body: Record<string, unknown>;
  text: string;
}

export function createMlflowTestClient(baseUrl: string, prefix = "/api/2.0/mlflow") {
  async function send(method: string, path: string, body?: unknown, query?: Record<string, string | string[]>) {
    const url = new URL(`${prefix}${path}`, baseUrl);
    for (const [k, v] of Object.entries(query ?? {})) {
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, item);
    }
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, body: parsed, text };
  }
  return {
    get: (path: string, query?: Record<string, string | string[]>) => send("GET", path, undefined, query),
    post: (path: string, body: unknown = {}) => send("POST", path, body),
    patch: (path: string, body: unknown = {}) => send("PATCH", path, body),
    delete: (path: string, body?: unknown) => send("DELETE", path, body),
    raw: send,
  };
}

export type MlflowTestClient = ReturnType<typeof createMlflowTestClient>;
