import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rmdir, unlink, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { runIdSchema } from "@looplab/core";
import { parseSpoolRecordName, type RunSpool, type Spool, type SpoolRecordName } from "../spool.js";

/** Run folders claimed by live runs of this process, shared by every spool instance. */
const claimed = new Set<string>();
let tmpCounter = 0;

/** `LOOPLAB_SPOOL_DIR`, else `~/.looplab/spool`. */
export function defaultSpoolDir(env: Record<string, string | undefined> = process.env): string {
  return env.LOOPLAB_SPOOL_DIR || join(homedir(), ".looplab", "spool");
}

/**
 * A spool in a folder: `<dir>/<runId>/<record>.json`, one file per record holding its exact
 * JSON body. Files are written to a temporary name, fsynced, then renamed, so a record is
 * either whole or absent; a record the server refused for good moves to `<runId>/rejected/`.
 */
export function createFileSpool(dir: string = defaultSpoolDir()): Spool {
  const root = resolve(dir);
  return {
    location: root,
    open: (runId) => openRunSpool(root, runId),
    async listRuns() {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (error) {
        if (isMissing(error)) return [];
        throw error;
      }
      const runs: string[] = [];
      for (const name of names.sort()) {
        if (!runIdSchema.safeParse(name).success || claimed.has(join(root, name))) continue;
        if ((await listRecords(join(root, name))).length > 0) runs.push(name);
      }
      return runs;
    },
  };
}

function openRunSpool(root: string, runId: string): RunSpool {
  if (!runIdSchema.safeParse(runId).success) throw new TypeError(`not a run id: ${runId}`);
  const runDir = join(root, runId);
  claimed.add(runDir);
  const file = (name: string) => {
    if (parseSpoolRecordName(name) === undefined) throw new TypeError(`not a spool record name: ${name}`);
    return join(runDir, name);
  };
  const tmpFile = (name: string) => join(runDir, `.tmp-${process.pid}-${++tmpCounter}-${name}`);

  return {
    runId,
    list: () => listRecords(runDir),
    async write(name, body) {
      const target = file(name);
      for (let attempt = 0; ; attempt++) {
        await mkdir(runDir, { recursive: true });
        const tmp = tmpFile(name);
        try {
          const handle = await open(tmp, "w");
          try {
            await handle.writeFile(body, "utf8");
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(tmp, target);
          return;
        } catch (error) {
          await unlink(tmp).catch(() => {});
          // Another process removed the (empty) folder between mkdir and open: once more.
          if (!isMissing(error) || attempt > 0) throw error;
        }
      }
    },
    writeSync(name, body) {
      const target = file(name);
      mkdirSync(runDir, { recursive: true });
      const tmp = tmpFile(name);
      const fd = openSync(tmp, "w");
      try {
        writeSync(fd, body, null, "utf8");
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, target);
    },
    async read(name) {
      try {
        return await readFile(file(name), "utf8");
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async remove(name) {
      await unlink(file(name)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    },
    async reject(name, reason) {
      const rejectedDir = join(runDir, "rejected");
      await mkdir(rejectedDir, { recursive: true });
      await writeFile(join(rejectedDir, `${name}.reason.txt`), `${reason}\n`, "utf8");
      await rename(file(name), join(rejectedDir, name)).catch((error: unknown) => {
        if (!isMissing(error)) throw error;
      });
    },
    close() {
      claimed.delete(runDir);
      // Leaves no empty folders behind; fails harmlessly when records remain.
      rmdir(runDir).catch(() => {});
    },
  };
}

/** Records of one run folder, oldest first; removes temporary files of dead processes. */
async function listRecords(runDir: string): Promise<SpoolRecordName[]> {
  let names: string[];
  try {
    names = await readdir(runDir);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
  const records: SpoolRecordName[] = [];
  for (const name of names) {
    const record = parseSpoolRecordName(name);
    if (record !== undefined) records.push(record);
    else if (name.startsWith(".tmp-") && !isAlive(Number(name.split("-")[1]))) {
      await unlink(join(runDir, name)).catch(() => {});
    }
  }
  return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
