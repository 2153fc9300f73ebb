import { execFile } from "node:child_process";
import type { GitInfo } from "@looplab/core";

interface GitOutput {
  ok: boolean;
  stdout: string;
  truncated: boolean;
}

/**
 * Commit, branch, remote, dirty flag and uncommitted diff (`git diff HEAD`, capped at
 * `maxDiffBytes`) of the repository containing `cwd`; null outside a repository or when git
 * is missing. Never throws.
 */
export async function captureGitInfo(cwd: string, maxDiffBytes: number): Promise<GitInfo | null> {
  const inside = await git(["rev-parse", "--is-inside-work-tree"], cwd);
  if (!inside.ok || inside.stdout.trim() !== "true") return null;
  const [commit, branch, remote, status, diff] = await Promise.all([
    git(["rev-parse", "--verify", "-q", "HEAD"], cwd),
    git(["symbolic-ref", "--short", "-q", "HEAD"], cwd),
    git(["config", "--get", "remote.origin.url"], cwd),
    git(["status", "--porcelain"], cwd, 16 << 20),
    git(["diff", "HEAD", "--no-color", "--no-ext-diff"], cwd, maxDiffBytes),
  ]);
  let diffText: string | null = null;
  if (diff.ok || diff.truncated) {
    diffText = diff.truncated ? `${diff.stdout}\n[looplab: diff truncated at ${maxDiffBytes} bytes]\n` : diff.stdout;
  }
  return {
    commit: commit.ok ? commit.stdout.trim() || null : null,
    branch: branch.ok ? branch.stdout.trim() || null : null,
    remote: remote.ok ? withoutCredentials(remote.stdout.trim()) || null : null,
    dirty: status.ok ? status.stdout.trim() !== "" : status.truncated,
    diff: diffText,
  };
}

/** `https://user:token@host/repo` → `https://host/repo`; scp-style remotes are kept. */
export function withoutCredentials(remote: string): string {
  try {
    const url = new URL(remote);
    if (url.username === "" && url.password === "") return remote;
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return remote;
  }
}

function git(args: string[], cwd: string, maxBuffer = 1 << 20): Promise<GitOutput> {
  return new Promise((resolve) => {
    try {
      execFile(
        "git",
        args,
        {
          cwd,
          maxBuffer,
          timeout: 10_000,
          encoding: "buffer",
          windowsHide: true,
          // Read-only: never take .git/index.lock away from the user's own git commands.
          env: { ...process.env, GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
        },
        (error, stdout) => {
          const truncated = (error as { code?: unknown } | null)?.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER";
          const bytes = Buffer.isBuffer(stdout) ? stdout.subarray(0, maxBuffer) : Buffer.alloc(0);
          resolve({ ok: error === null, stdout: bytes.toString("utf8"), truncated });
        },
      );
    } catch {
      resolve({ ok: false, stdout: "", truncated: false });
    }
  });
}
