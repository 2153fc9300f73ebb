/**
 * A job's processes: the command runs as the leader of its own process group, so a signal to
 * the group reaches every process it started. On Linux, `/proc` tells which processes are in
 * the group and what CPU time and memory they use.
 */
import { readdir, readFile } from "node:fs/promises";

/** Sends a signal to every process of a group; false when the group is gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  /** User + system CPU time, clock ticks. */
  cpuTicks: number;
  /** Resident set size, pages. */
  rssPages: number;
}

/** Parses `/proc/<pid>/stat` (the command name may hold spaces and parentheses). */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 of proc(5) (state); field N is fields[N - 3].
  const num = (n: number) => Number(fields[n - 3]);
  const stat = {
    pid,
    state: fields[0] ?? "?",
    ppid: num(4),
    pgrp: num(5),
    cpuTicks: num(14) + num(15),
    rssPages: num(24),
  };
  return Number.isFinite(stat.pid) && Number.isFinite(stat.pgrp) && Number.isFinite(stat.cpuTicks) ? stat : null;
}

/** Live (not zombie) processes of a group, from /proc; [] where there is no /proc. */
export async function listGroupProcesses(pgid: number, procRoot = "/proc"): Promise<ProcStat[]> {
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return [];
  }
  const stats = await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        try {
          return parseProcStat(await readFile(`${procRoot}/${name}/stat`, "utf8"));
        } catch {
          return null; // the process ended meanwhile
        }
      }),
  );
  return stats.filter((s): s is ProcStat => s !== null && s.pgrp === pgid && s.state !== "Z" && s.state !== "X");
}

/** Whether a group still has live processes (zombies do not count). */
export async function groupAlive(pgid: number): Promise<boolean> {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== "linux") return true;
  return (await listGroupProcesses(pgid)).length > 0;
}
