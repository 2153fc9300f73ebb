import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A throw-away PostgreSQL cluster from Debian's package, for tests and benchmarks.
 * Installs the package with apt-get when it is missing (CI machines start bare).
 */
export interface PostgresCluster {
  url: string;
  port: number;
  dataDir: string;
  stop(): void;
}

function findPgBin(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  return null;
}

export function ensurePostgresInstalled(): string {
  let bin = findPgBin();
  if (bin) return bin;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => spawnSync("apt-get", ["install", "-y", "-q", "postgresql"], { stdio: "inherit", env });
  if (install().status !== 0) {
    spawnSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    install();
  }
  bin = findPgBin();
  if (!bin) throw new Error("PostgreSQL is not installed and `apt-get install -y postgresql` failed");
  return bin;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

/** initdb refuses to run as root, so as root the cluster belongs to the `postgres` user. */
function asClusterOwner(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = ensurePostgresInstalled();
  const dataDir = mkdtempSync(join(tmpdir(), "looplab-pg-"));
  chmodSync(dataDir, 0o777);
  if (isRoot()) execFileSync("chown", ["postgres", dataDir]);
  const run = (cmd: string, args: string[]) => {
    const [c, a] = asClusterOwner(join(bin, cmd), args);
    execFileSync(c, a, { stdio: ["ignore", "ignore", "pipe"] });
  };
  run("initdb", ["--auth=trust", "--username=postgres", "--encoding=UTF8", "-D", dataDir]);
  const port = await freePort();
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run("pg_ctl", ["-D", dataDir, "-o", options, "-l", join(dataDir, "server.log"), "-w", "-t", "30", "start"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    port,
    dataDir,
    stop() {
      try {
        run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
