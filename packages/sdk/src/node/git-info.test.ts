import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { captureGitInfo, withoutCredentials } from "./git-info.js";
import { commandLine } from "./run-context.js";

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" });
}

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "looplab-git-test-"));
  git(dir, "init", "-q", "-b", "main");
  git(dir, "config", "user.email", "t@example.com");
  git(dir, "config", "user.name", "t");
  git(dir, "config", "commit.gpgsign", "false");
  return dir;
}

describe("captureGitInfo", () => {
  const savedPath = process.env.PATH;
  afterEach(() => {
    process.env.PATH = savedPath;
  });

  it("records commit, branch, remote without credentials, dirty flag and diff", async () => {
    const dir = repo();
    writeFileSync(join(dir, "train.py"), "lr = 0.1\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "first");
    git(dir, "remote", "add", "origin", "https://alice:s3cret@git.example.com/team/model.git");
    const clean = await captureGitInfo(dir, 1 << 20);
    expect(clean).toEqual({
      commit: git(dir, "rev-parse", "HEAD").trim(),
      branch: "main",
      remote: "https://git.example.com/team/model.git",
      dirty: false,
      diff: "",
    });
    writeFileSync(join(dir, "train.py"), "lr = 0.01\n");
    const dirty = await captureGitInfo(dir, 1 << 20);
    expect(dirty?.dirty).toBe(true);
    expect(dirty?.diff).toContain("+lr = 0.01");
  });

  it("caps the diff and says it was cut", async () => {
    const dir = repo();
    writeFileSync(join(dir, "big.txt"), "a\n");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "first");
    writeFileSync(join(dir, "big.txt"), "b\n".repeat(50_000));
    const info = await captureGitInfo(dir, 10_000);
    expect(info?.diff?.length).toBeLessThan(10_100);
    expect(info?.diff).toContain("[looplab: diff truncated at 10000 bytes]");
  });

  it("handles a repository without commits and a detached HEAD", async () => {
    const dir = repo();
    const empty = await captureGitInfo(dir, 1 << 20);
    expect(empty).toMatchObject({ commit: null, branch: "main", remote: null, diff: null });
    writeFileSync(join(dir, "f"), "x");
    git(dir, "add", ".");
    git(dir, "commit", "-q", "-m", "c");
    git(dir, "checkout", "-q", "--detach");
    expect((await captureGitInfo(dir, 1 << 20))?.branch).toBeNull();
  });

  it("returns null outside a repository and when git is missing", async () => {
    expect(await captureGitInfo(mkdtempSync(join(tmpdir(), "looplab-nogit-")), 1 << 20)).toBeNull();
    const dir = repo();
    process.env.PATH = "";
    expect(await captureGitInfo(dir, 1 << 20)).toBeNull();
  });
});

describe("helpers", () => {
  it("strips credentials from URL remotes and keeps scp-style ones", () => {
    expect(withoutCredentials("https://u:p@h/r.git")).toBe("https://h/r.git");
    expect(withoutCredentials("git@github.com:o/r.git")).toBe("git@github.com:o/r.git");
  });

  it("quotes a command line so a shell splits it back the same way", () => {
    expect(commandLine(["node", "train.js", "--name", "my run", "it's"])).toBe(
      `node train.js --name 'my run' 'it'"'"'s'`,
    );
  });
});
