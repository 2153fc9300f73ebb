import { isLooplabError } from "@looplab/core";
import { createClient, isNetworkError, type LooplabClient } from "@looplab/sdk";
import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import type { CliIo } from "./output.js";

export const DEFAULT_SERVER_URL = "http://127.0.0.1:7373";

/** What every command gets: where to write, and a client for the server named by `--url`. */
export interface CliContext {
  io: CliIo;
  /** The API client for the server of this invocation (`--url` > `LOOPLAB_URL` > default). */
  client(command: Command): LooplabClient;
}

export function serverUrl(command: Command, io: CliIo): string {
  const url = (command.optsWithGlobals() as { url?: string }).url;
  return url ?? (io.env.LOOPLAB_URL || DEFAULT_SERVER_URL);
}

export function createCliContext(io: CliIo): CliContext {
  return {
    io,
    client(command) {
      const url = serverUrl(command, io);
      try {
        new URL(url);
      } catch {
        throw new CliError(`--url: '${url}' is not a URL (expected e.g. ${DEFAULT_SERVER_URL})`, exitCodes.usage);
      }
      return createClient({ url });
    },
  };
}

/** A failure the CLI itself detected, with the exit code it ends with. */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number = exitCodes.failure) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** The documented exit code for any error (docs/cli.md). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (isNetworkError(error)) return exitCodes.unavailable;
  if (isLooplabError(error)) {
    if (error.code === "NOT_FOUND") return exitCodes.notFound;
    if (error.code === "UNAVAILABLE") return exitCodes.unavailable;
    if (error.code === "INTERNAL") return exitCodes.failure;
    return error.status < 500 ? exitCodes.usage : exitCodes.failure;
  }
  return exitCodes.failure;
}

/** One message for stderr: what failed, in words a person can act on. */
export function describeError(error: unknown, url?: string): string {
  if (isNetworkError(error)) {
    const cause = (error.details as { cause?: string } | undefined)?.cause;
    const where = url ? ` at ${url}` : "";
    const why = error.timedOut ? "it did not answer in time" : (cause ?? error.message);
    return `cannot reach the Looplab server${where} (${why}); start one with \`looplab server\` or pass --url`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The 1-based column of a filter/sort error from the server or the core parser, if it names one. */
export function queryErrorColumn(error: unknown, language: "filter" | "sort"): number | null {
  if (!isLooplabError(error) || error.code !== "INVALID_ARGUMENT") return null;
  const details = error.details as { language?: unknown; column?: unknown } | undefined;
  if (details?.language !== language || typeof details.column !== "number") return null;
  return details.column;
}

/** The query text with a caret under `column` (1-based), indented under the message. */
export function caretLines(text: string, column: number): string {
  const at = Math.max(0, Math.min(column - 1, text.length));
  return `  ${text}\n  ${" ".repeat(at)}^`;
}

/**
 * Rewrites a filter or sort error into a usage error that shows the text with a caret under the
 * column where parsing failed. Other errors pass through unchanged.
 */
export function withQueryCaret(error: unknown, texts: { filter?: string; sort?: string }, label?: string): unknown {
  for (const language of ["filter", "sort"] as const) {
    const text = texts[language];
    const column = queryErrorColumn(error, language);
    if (text === undefined || column === null) continue;
    let message = (error as Error).message;
    if (label) message = message.replace(/^sort:/, `${label}:`);
    return new CliError(`${message}\n${caretLines(text, column)}`, exitCodes.usage);
  }
  return error;
}
