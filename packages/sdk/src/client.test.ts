import { describe, expect, it } from "vitest";
import { createClient, type FetchLike } from "./client.js";
import { isNetworkError, isRetryable, LooplabApiError, LooplabNetworkError } from "./client-errors.js";

// A fake fetch here is the external edge used to inject what a real server cannot be made to
// do on demand: refused connections, timeouts, a proxy's HTML 502. Real answers are tested
// against the real server in the other suites.
const RUN_ID = "0123456789abcdef0123456789abcdef";

describe("LooplabClient error mapping (injected failures)", () => {
  it("turns a refused connection into LooplabNetworkError with code UNAVAILABLE", async () => {
    const fetch: FetchLike = async () => {
      throw new TypeError("fetch failed", { cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }) });
    };
    const client = createClient({ url: "http://127.0.0.1:1", fetch });
    const error = await client.getRun(RUN_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LooplabNetworkError);
    expect((error as LooplabNetworkError).code).toBe("UNAVAILABLE");
    expect(
      String((error as LooplabNetworkError).details && JSON.stringify((error as LooplabNetworkError).details)),
    ).toContain("ECONNREFUSED");
    expect(isRetryable(error)).toBe(true);
  });

  it("turns a timeout into a network error that says so", async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const client = createClient({ url: "http://x", fetch, timeoutMs: 20 });
    const error = await client.health().catch((e: unknown) => e);
    expect(isNetworkError(error)).toBe(true);
    expect((error as LooplabNetworkError).timedOut).toBe(true);
  });

  it("passes the caller's own abort through unchanged", async () => {
    const fetch: FetchLike = (_url, init) =>
      new Promise((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const client = createClient({ url: "http://x", fetch });
    const controller = new AbortController();
    const pending = client.call("health", { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error("mine"));
    expect(((await pending) as Error).message).toBe("mine");
  });

  it("maps a non-Looplab error page to a code by HTTP status and keeps Retry-After", async () => {
    const fetch: FetchLike = async () =>
      new Response("<html>bad gateway</html>", { status: 503, headers: { "retry-after": "2" } });
    const client = createClient({ url: "http://x", fetch });
    const error = (await client.health().catch((e: unknown) => e)) as LooplabApiError;
    expect(error).toBeInstanceOf(LooplabApiError);
    expect(error.code).toBe("UNAVAILABLE");
    expect(error.httpStatus).toBe(503);
    expect(error.retryAfterMs).toBe(2000);
    expect(isRetryable(error)).toBe(true);
  });

  it("keeps the server's code, message and details, and does not retry a 4xx", async () => {
    const fetch: FetchLike = async () =>
      Response.json({ error: { code: "INVALID_ARGUMENT", message: "nope", details: { field: "x" } } }, { status: 400 });
    const client = createClient({ url: "http://x/", fetch });
    const error = (await client.createRun({ project: "p" }).catch((e: unknown) => e)) as LooplabApiError;
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toBe("nope");
    expect(error.details).toEqual({ field: "x" });
    expect(isRetryable(error)).toBe(false);
  });

  it("builds paths, query strings and headers from the route contract", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const fetch: FetchLike = async (url, init) => {
      seen.push({ url, init });
      return Response.json({ key: "val/acc", goal: "max" });
    };
    const client = createClient({ url: "http://h:1/", fetch, headers: { authorization: "Bearer t" } });
    await client.putMetricDefinition("proj", "val/acc", "max");
    await client.call("deleteProject", { params: { project: "proj" }, query: { purge: true } }).catch(() => {});
    expect(seen[0]?.url).toBe("http://h:1/api/v1/projects/proj/metric-definitions/val%2Facc");
    expect(seen[0]?.init.method).toBe("PUT");
    expect(seen[0]?.init.body).toBe('{"goal":"max"}');
    expect(seen[0]?.init.headers).toMatchObject({ authorization: "Bearer t" });
    expect(seen[1]?.url).toBe("http://h:1/api/v1/projects/proj?purge=true");
  });
});
