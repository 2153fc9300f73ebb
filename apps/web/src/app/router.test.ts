import { describe, expect, it } from "vitest";
import { matchRoute, navigate, paths } from "./router.js";

describe("router", () => {
  it("matches every page and decodes names", () => {
    expect(matchRoute("/")).toEqual({ page: "projects" });
    expect(matchRoute("/projects/my%20proj")).toEqual({ page: "project", project: "my proj" });
    expect(matchRoute("/projects/p/compare")).toEqual({ page: "compare", project: "p" });
    expect(matchRoute("/runs/abc")).toEqual({ page: "run", runId: "abc" });
    expect(matchRoute("/runs/abc/extra")).toEqual({ page: "not-found", path: "/runs/abc/extra" });
  });

  it("builds paths that round-trip through matchRoute", () => {
    expect(matchRoute(paths.project("a/b"))).toEqual({ page: "project", project: "a/b" });
    expect(paths.compare("p", ["x", "y"])).toBe("/projects/p/compare?runs=x,y");
  });

  it("navigate pushes history and notifies listeners", () => {
    let notified = 0;
    window.addEventListener("looplab:navigate", () => notified++);
    navigate("/projects/p?filter=a");
    expect(window.location.pathname + window.location.search).toBe("/projects/p?filter=a");
    navigate("/projects/p?filter=a");
    expect(notified).toBe(1);
  });
});
