import { once } from "node:events";
import Table from "cli-table3";

/**
 * Where the CLI writes (DESIGN.md §10): data on stdout (tables, or JSON with `--json`),
 * messages and progress on stderr. Injected so that tests run commands in-process.
 */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** Wall clock for durations of running runs. */
  now(): number;
}

export function processIo(): CliIo {
  // `looplab runs export ID | head`: the reader left, so the data is no longer wanted.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, now: () => Date.now() };
}

/** Writes data to stdout, waiting for the stream to drain when it asks to. */
export async function writeOut(io: CliIo, data: string | Uint8Array): Promise<void> {
  if (!io.stdout.write(data)) await once(io.stdout, "drain");
}

export function writeMessage(io: CliIo, text: string): void {
  io.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
}

export async function writeJson(io: CliIo, value: unknown): Promise<void> {
  await writeOut(io, `${JSON.stringify(value, null, 2)}\n`);
}

export type Align = "left" | "right";

/** A borderless table: columns separated by two spaces, header first, easy to read and to grep. */
export function renderTable(head: string[], rows: string[][], align: Align[] = []): string {
  const table = new Table({
    head,
    style: { head: [], border: [], "padding-left": 0, "padding-right": 0 },
    colAligns: head.map((_, i) => align[i] ?? "left"),
    chars: {
      top: "",
      "top-mid": "",
      "top-left": "",
      "top-right": "",
      bottom: "",
      "bottom-mid": "",
      "bottom-left": "",
      "bottom-right": "",
      left: "",
      "left-mid": "",
      mid: "",
      "mid-mid": "",
      right: "",
      "right-mid": "",
      middle: "  ",
    },
  });
  for (const row of rows) table.push(row);
  const text = table
    .toString()
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n");
  return `${text}\n`;
}

/** Numbers as people read them: integers whole, others to six significant digits; NaN/±Infinity spelled. */
export function formatNumber(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** Local time, `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return "";
  const d = new Date(epochMs);
  const date = `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
  return `${date} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** `3d 04h`, `1h 02m`, `5m 07s`, `12s`, `450ms`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return "";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.floor(ms / 1000);
  const [d, h, m, sec] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60];
  if (d > 0) return `${d}d ${pad2(h)}h`;
  if (h > 0) return `${h}h ${pad2(m)}m`;
  if (m > 0) return `${m}m ${pad2(sec)}s`;
  return `${sec}s`;
}

/** A cell shows one line: the first line of the text, cut to `max` characters ("…" marks a cut). */
export function oneLine(text: string, max = 60): string {
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? "";
  if (first.length > max) return `${first.slice(0, max - 1)}…`;
  return lines.length > 1 ? `${first} …` : first;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
