import type { Run, RunEvent, RunList } from "@looplab/core";
import { describe, expect, it } from "vitest";
import { selectionFilter } from "./bulk-actions.js";
import { changedFields, pageDependsOn, patchRunList } from "./live-updates.js";
import { hasListableValues } from "./runs-api.js";

const run = (id: string, patch: Partial<Run> = {}): Run =>
  ({
    id,
    name: `run-${id}`,
    status: "running",
    tags: {},
    group: null,
    startedAt: 1,
    updatedAt: 1,
    heartbeatAt: 1,
    endedAt: null,
    deletedAt: null,
    config: { lr: 0.1 },
    ...patch,
  }) as Run;

const event = (runId: string, patch: Partial<RunEvent> = {}): RunEvent => ({
  runId,
  project: "p",
  reason: "status",
  status: "finished",
  name: `run-${runId}`,
  tags: {},
  group: null,
  updatedAt: 2,
  heartbeatAt: 2,
  endedAt: 2,
  deletedAt: null,
  ...patch,
});

describe("live row patches", () => {
  it("patches the event's fields into the cached run and keeps the rest", () => {
    const list: RunList = { runs: [run("a"), run("b")], nextPageToken: null, total: 2 };
    const patched = patchRunList(list, event("b", { tags: { live: "" }, group: "g" }));
    expect(patched?.runs[1]).toMatchObject({
      id: "b",
      status: "finished",
      tags: { live: "" },
      group: "g",
      endedAt: 2,
      config: { lr: 0.1 },
    });
    expect(patched?.runs[0]).toBe(list.runs[0]);
    expect(list.runs[1]?.status).toBe("running");
    expect(patchRunList(list, event("c"))).toBeNull();
  });

  it("knows which fields changed (all of them for a run not on screen)", () => {
    expect(changedFields(run("a"), event("a"))).toEqual(["status", "updatedat", "endedat", "duration"]);
    expect(changedFields(run("a"), event("a", { status: "running", endedAt: null, updatedAt: 1 }))).toEqual([]);
    expect(changedFields(undefined, event("a"))).toContain("name");
  });

  it("refetches a page only when its filter or sort names a changed field", () => {
    const changed = new Set(["status", "updatedat"] as const);
    expect(pageDependsOn('status = "running"', "-createdAt", changed)).toBe(true);
    expect(pageDependsOn("", "-updatedAt", changed)).toBe(true);
    expect(pageDependsOn("", "name", changed)).toBe(false);
    // Keys under config or tags are not run fields.
    expect(pageDependsOn('config.status = "x"', "config.name", changed)).toBe(false);
    expect(pageDependsOn("", "-metrics.val/acc.best", new Set(["metrics"] as const))).toBe(true);
    expect(pageDependsOn("config.lr < 1", "-createdAt", new Set(["metrics"] as const))).toBe(false);
  });
});

describe("server-side selection", () => {
  it("lists values only for fields the values endpoint knows", () => {
    expect(hasListableValues("config.model")).toBe(true);
    expect(hasListableValues("tags.team")).toBe(true);
    expect(hasListableValues("Status")).toBe(true);
    expect(hasListableValues("metrics.loss.last")).toBe(false);
    expect(hasListableValues("duration")).toBe(false);
    expect(hasListableValues("config.")).toBe(false);
  });

  it("excludes unticked runs from an all-matching selection", () => {
    expect(selectionFilter("", [])).toBe("");
    expect(selectionFilter("config.lr < 1", ["a", "b"])).toBe('(config.lr < 1) and id not in ("a", "b")');
    expect(selectionFilter("", ["a"])).toBe('id not in ("a")');
  });
});
