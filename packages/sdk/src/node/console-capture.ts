import { StringDecoder } from "node:string_decoder";
import type { LogStream } from "@looplab/core";

/**
 * Console capture for runs the SDK starts in Node (docs/logs.md): `process.stdout.write` and
 * `process.stderr.write` are teed — the program's output still appears exactly as before, and
 * a copy of the text goes to every capturing run. One patch per process, shared by its runs;
 * undone when the last run stops. A sink that throws is ignored; a sink that writes to the
 * console itself (a warning) is not captured again.
 */

export type ConsoleSink = (stream: LogStream, text: string) => void;

type Write = typeof process.stdout.write;

interface Patched {
  stream: NodeJS.WriteStream;
  original: Write;
  patched: Write;
  /** False once stopped: a patch that could not be removed only passes text through. */
  active: boolean;
}

const sinks = new Set<ConsoleSink>();
let patches: Patched[] = [];
let inSink = false;

function tee(name: LogStream, stream: NodeJS.WriteStream): Patched {
  const original = stream.write;
  const decoder = new StringDecoder("utf8");
  const state: Patched = { stream, original, patched: original, active: true };
  const patched = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    if (state.active && !inSink && sinks.size > 0) {
      inSink = true;
      try {
        const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined;
        const text =
          typeof chunk === "string"
            ? encoding && encoding !== "utf8" && encoding !== "utf-8"
              ? Buffer.from(chunk, encoding).toString("utf8")
              : chunk
            : chunk instanceof Uint8Array
              ? decoder.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
              : "";
        if (text.length > 0) for (const sink of sinks) sink(name, text);
      } catch {
        // Capture must never break the program's output.
      } finally {
        inSink = false;
      }
    }
    return (original as (...args: unknown[]) => boolean).call(this ?? stream, chunk, ...rest);
  } as Write;
  stream.write = patched;
  state.patched = patched;
  return state;
}

/** Starts teeing the process's stdout/stderr into `sink`; the returned function stops it. */
export function captureConsole(sink: ConsoleSink): () => void {
  const wrapped: ConsoleSink = (stream, text) => sink(stream, text);
  sinks.add(wrapped);
  if (patches.length === 0) patches = [tee("stdout", process.stdout), tee("stderr", process.stderr)];
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    sinks.delete(wrapped);
    if (sinks.size > 0) return;
    for (const p of patches) {
      p.active = false;
      // Someone patched the stream after us: leave theirs in place (ours passes text through).
      if (p.stream.write === p.patched) p.stream.write = p.original;
    }
    patches = [];
  };
}

/** Runs currently capturing (tests). */
export function consoleCaptureCount(): number {
  return sinks.size;
}
