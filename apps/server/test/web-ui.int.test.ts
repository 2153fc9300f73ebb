import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startTestServer } from "../src/testing/index.js";

describe("dashboard files", () => {
  let built: RunningServer;
  let unbuilt: RunningServer;
  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), "looplab-web-"));
    mkdirSync(join(root, "assets"));
    writeFileSync(join(root, "index.html"), "<!doctype html><div id=root></div>");
    writeFileSync(join(root, "assets", "app-1234.js"), "console.log(1)");
    built = await startTestServer({ webRoot: root });
    unbuilt = await startTestServer({ webRoot: join(root, "missing") });
  });
  afterAll(async () => {
    await built.close();
    await unbuilt.close();
  });

  it("serves index.html for client-side routes and caches hashed assets", async () => {
    for (const path of ["/", "/projects/demo", "/runs/abc?x=1"]) {
      const res = await fetch(built.url + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("id=root");
    }
    const asset = await fetch(`${built.url}/assets/app-1234.js`);
    expect(asset.headers.get("cache-control")).toContain("immutable");
  });

  it("keeps JSON 404s for unknown API paths", async () => {
    const res = await fetch(`${built.url}/api/v1/nope`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
  });

  it("explains how to build the dashboard when it is missing", async () => {
    const res = await fetch(`${unbuilt.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("npm start");
    expect((await fetch(`${unbuilt.url}/projects/x`)).status).toBe(404);
  });
});
