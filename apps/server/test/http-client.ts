/** A tiny JSON-over-fetch helper for black-box API tests. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
}

export function apiClient(baseUrl: string) {
  async function request<T = any>(method: string, path: string, body?: unknown, raw?: string): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: {} };
    if (raw !== undefined) {
      init.body = raw;
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (CSV export)
    }
    return { status: res.status, body: parsed as T, text };
  }
  return {
    request,
    get: <T = any>(path: string) => request<T>("GET", path),
    post: <T = any>(path: string, body?: unknown) => request<T>("POST", path, body),
    patch: <T = any>(path: string, body?: unknown) => request<T>("PATCH", path, body),
    put: <T = any>(path: string, body?: unknown) => request<T>("PUT", path, body),
    del: <T = any>(path: string) => request<T>("DELETE", path),
  };
}
