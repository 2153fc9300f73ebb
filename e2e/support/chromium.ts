import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

const find = () => CANDIDATES.find((path) => existsSync(path)) ?? null;

/**
 * Debian's Chromium, installed with apt-get when missing (CI machines start bare; Playwright's
 * own browser download cannot work here, STACK.md). Returns the executable's path.
 */
export function ensureChromium(): string {
  const found = process.env.LOOPLAB_CHROMIUM ?? find();
  if (found) return found;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "-q", "chromium"], { stdio: "inherit", env });
  if (install().status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    install();
  }
  const installed = find();
  if (!installed) throw new Error("Chromium is not installed and `apt-get install -y chromium` failed");
  return installed;
}
