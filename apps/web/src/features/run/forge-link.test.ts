import { describe, expect, it } from "vitest";
import { branchUrl, commitUrl, parseForgeRemote } from "./forge-link.js";

describe("forge links from git remotes", () => {
  it("reads the common remote forms", () => {
    expect(parseForgeRemote("git@github.com:acme/model.git")).toEqual({
      forge: "GitHub",
      name: "acme/model",
      url: "https://github.com/acme/model",
    });
    expect(parseForgeRemote("https://github.com/acme/model")?.name).toBe("acme/model");
    expect(parseForgeRemote("ssh://git@gitlab.com:22/grp/sub/repo.git")).toEqual({
      forge: "GitLab",
      name: "grp/sub/repo",
      url: "https://gitlab.com/grp/sub/repo",
    });
    expect(parseForgeRemote("https://bitbucket.org/team/repo.git")?.forge).toBe("Bitbucket");
    expect(parseForgeRemote("https://gitlab.example.com/a/b.git")?.url).toBe("https://gitlab.example.com/a/b");
  });

  it("drops credentials and refuses unknown hosts or odd paths", () => {
    const repo = parseForgeRemote("https://user:s3cret@github.com/acme/model.git");
    expect(repo?.url).toBe("https://github.com/acme/model");
    expect(JSON.stringify(repo)).not.toContain("s3cret");
    expect(parseForgeRemote("git@example.com:acme/model.git")).toBeNull();
    expect(parseForgeRemote("/home/me/repo")).toBeNull();
    expect(parseForgeRemote("javascript:alert(1)")).toBeNull();
    expect(parseForgeRemote("https://github.com/acme")).toBeNull();
    expect(parseForgeRemote("https://github.com/a/b/c")).toBeNull();
    expect(parseForgeRemote(null)).toBeNull();
  });

  it("builds commit and branch URLs per forge", () => {
    const gh = parseForgeRemote("git@github.com:acme/model.git");
    const gl = parseForgeRemote("git@gitlab.com:grp/repo.git");
    const bb = parseForgeRemote("git@bitbucket.org:team/repo.git");
    if (!gh || !gl || !bb) throw new Error("parse failed");
    expect(commitUrl(gh, "abc1234")).toBe("https://github.com/acme/model/commit/abc1234");
    expect(commitUrl(gl, "abc1234")).toBe("https://gitlab.com/grp/repo/-/commit/abc1234");
    expect(commitUrl(bb, "abc1234")).toBe("https://bitbucket.org/team/repo/commits/abc1234");
    expect(commitUrl(gh, "not a sha")).toBeNull();
    expect(branchUrl(gh, "feat/x y")).toBe("https://github.com/acme/model/tree/feat/x%20y");
    expect(branchUrl(gl, "main")).toBe("https://gitlab.com/grp/repo/-/tree/main");
    expect(branchUrl(bb, "main")).toBe("https://bitbucket.org/team/repo/src/main");
  });
});
