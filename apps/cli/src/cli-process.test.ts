import { createClient } from "@looplab/sdk";
import { freePort, type RunningServer, startTestServer } from "@looplab/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBinary } from "./testing/run-cli.js";

/** The real binary as a child process: exit codes and the stdout/stderr split as a shell sees them. */
describe("the looplab binary", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startTestServer();
    await createClient({ url: server.url }).createRun({ project: "digits", name: "mlp" });
  });
  afterAll(() => server.close());

  it("prints data on stdout and reads the server from LOOPLAB_URL", async () => {
    const res = await runBinary(["runs", "ls", "-p", "digits", "--json"], { LOOPLAB_URL: server.url });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject([{ name: "mlp", status: "running" }]);
  });

  it("exits 3 with a message on stderr when the server cannot be reached", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const res = await runBinary(["--url", url, "projects", "ls"]);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain(`looplab: cannot reach the Looplab server at ${url}`);
  });

  it("exits 4 for an unknown run", async () => {
    const res = await runBinary(["--url", server.url, "runs", "show", "f".repeat(32)]);
    expect(res.code).toBe(4);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe(`looplab: run '${"f".repeat(32)}' not found\n`);
  });

  it("exits 2 with the filter and a caret under the failing column", async () => {
    const res = await runBinary(["--url", server.url, "runs", "ls", "-p", "digits", "--filter", "metrics.acc >> 1"]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    const lines = res.stderr.split("\n");
    expect(lines[0]).toMatch(/^looplab: filter: .* at column (\d+)$/);
    const column = Number(/column (\d+)$/.exec(lines[0] ?? "")?.[1]);
    expect(lines[1]).toBe("  metrics.acc >> 1");
    expect(lines[2]).toBe(`  ${" ".repeat(column - 1)}^`);
  });

  it("exits 2 for an unknown command or option", async () => {
    expect((await runBinary(["runs", "frobnicate"])).code).toBe(2);
    expect((await runBinary(["runs", "ls", "--bogus"])).code).toBe(2);
  });
});
