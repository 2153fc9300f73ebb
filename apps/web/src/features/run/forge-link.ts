/** A git remote on a forge we know how to link to. */
export interface ForgeRepo {
  forge: "GitHub" | "GitLab" | "Bitbucket";
  /** owner/repo (GitLab: group/subgroup/repo). */
  name: string;
  url: string;
}

function forgeOf(host: string): ForgeRepo["forge"] | null {
  const h = host.toLowerCase();
  if (h === "github.com" || h === "www.github.com") return "GitHub";
  if (h === "gitlab.com" || h.startsWith("gitlab.")) return "GitLab";
  if (h === "bitbucket.org" || h === "www.bitbucket.org") return "Bitbucket";
  return null;
}

const safeSegment = /^[A-Za-z0-9._~-]+$/;

/**
 * Parses `git@host:owner/repo.git`, `ssh://git@host[:port]/owner/repo.git` and
 * `https://[user:token@]host/owner/repo[.git]`; credentials are never kept. null for remotes
 * that are not on a known forge (or look odd: links are only built from plain path segments).
 */
export function parseForgeRemote(remote: string | null | undefined): ForgeRepo | null {
  if (!remote) return null;
  const text = remote.trim();
  let host: string;
  let path: string;
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):(?!\/)(.+)$/.exec(text);
  if (scp) {
    host = scp[1] as string;
    path = scp[2] as string;
  } else {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return null;
    }
    if (!["https:", "http:", "ssh:", "git:"].includes(url.protocol)) return null;
    host = url.hostname;
    path = url.pathname;
  }
  const forge = forgeOf(host);
  if (!forge) return null;
  const segments = path
    .replace(/\.git\/?$/, "")
    .split("/")
    .filter(Boolean);
  if (segments.length < 2 || !segments.every((s) => safeSegment.test(s))) return null;
  if (forge !== "GitLab" && segments.length !== 2) return null;
  const name = segments.join("/");
  return { forge, name, url: `https://${host.toLowerCase()}/${name}` };
}

export function commitUrl(repo: ForgeRepo, commit: string): string | null {
  if (!/^[0-9a-f]{4,64}$/i.test(commit)) return null;
  if (repo.forge === "GitLab") return `${repo.url}/-/commit/${commit}`;
  if (repo.forge === "Bitbucket") return `${repo.url}/commits/${commit}`;
  return `${repo.url}/commit/${commit}`;
}

export function branchUrl(repo: ForgeRepo, branch: string): string {
  const b = branch.split("/").map(encodeURIComponent).join("/");
  if (repo.forge === "GitLab") return `${repo.url}/-/tree/${b}`;
  if (repo.forge === "Bitbucket") return `${repo.url}/src/${b}`;
  return `${repo.url}/tree/${b}`;
}
