import { type ArtifactType, artifactTypes, runIdSchema } from "@looplab/core";
import { BinaryTransfer, defaultRetryPolicy, formatBytes, nodeHttpFetch, type UploadDeps } from "@looplab/sdk";
import { SingleBar } from "cli-progress";
import { type Command, InvalidArgumentError } from "commander";
import { type CliContext, serverUrl } from "./api-client.js";
import type { CliIo } from "./output.js";

/** Transfers at least this large get a progress bar (when stderr is a terminal). */
export const PROGRESS_THRESHOLD_BYTES = 4 * 1024 * 1024;

/** The client, raw-bytes transfer and retry policy for one invocation. */
export function transferDeps(ctx: CliContext, command: Command): UploadDeps {
  const client = ctx.client(command);
  return {
    client,
    transfer: new BinaryTransfer({ url: serverUrl(command, ctx.io), bodyFetch: nodeHttpFetch }),
    retry: defaultRetryPolicy,
    random: Math.random,
  };
}

export function parseRunId(text: string): string {
  if (!runIdSchema.safeParse(text).success) {
    throw new InvalidArgumentError("a run id is 32 lowercase hex characters (see `looplab runs ls`)");
  }
  return text;
}

export function parseArtifactType(text: string): ArtifactType {
  if (!(artifactTypes as readonly string[]).includes(text)) {
    throw new InvalidArgumentError(`expected one of ${artifactTypes.join(", ")}`);
  }
  return text as ArtifactType;
}

export function parseStep(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

export function parseMetrics(text: string): Record<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('expected a JSON object of numbers, e.g. {"val/acc": 0.91}');
  }
  const ok =
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "number");
  if (!ok) throw new InvalidArgumentError('expected a JSON object of numbers, e.g. {"val/acc": 0.91}');
  return value as Record<string, number>;
}

export interface TransferProgress {
  /** Bytes done so far, out of the total given at the start. */
  update(doneBytes: number): void;
  /** Stops the bar and writes one summary line to stderr. */
  finish(summary: string): void;
}

/**
 * A progress bar on stderr for transfers of at least PROGRESS_THRESHOLD_BYTES when stderr is a
 * terminal; otherwise nothing until the final line. Data never goes to stderr.
 */
export function startProgress(io: CliIo, label: string, totalBytes: number): TransferProgress {
  const stderr = io.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  const started = Date.now();
  let bar: SingleBar | undefined;
  if (stderr.isTTY === true && totalBytes >= PROGRESS_THRESHOLD_BYTES) {
    bar = new SingleBar({
      stream: stderr as NodeJS.WritableStream as never,
      format: `${label} [{bar}] {percentage}% | {done} / {size} | {speed}/s | eta {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    bar.start(totalBytes, 0, { done: formatBytes(0), size: formatBytes(totalBytes), speed: formatBytes(0) });
  }
  return {
    update(doneBytes) {
      if (!bar) return;
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.update(Math.min(doneBytes, totalBytes), {
        done: formatBytes(doneBytes),
        speed: formatBytes(Math.round(doneBytes / seconds)),
      });
    },
    finish(summary) {
      bar?.stop();
      const seconds = (Date.now() - started) / 1000;
      io.stderr.write(`${summary} in ${seconds.toFixed(1)}s\n`);
    },
  };
}
