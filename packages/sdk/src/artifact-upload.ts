import {
  type Artifact,
  type ArtifactType,
  DEFAULT_PART_SIZE,
  LooplabError,
  MAX_PARTS,
  MIN_PART_SIZE,
  type PartChecksum,
  partChecksumHeader,
  type UploadSession,
} from "@looplab/core";
import { type BinaryTransfer, sha256Hex } from "./binary-transfer.js";
import type { LooplabClient } from "./client.js";
import { isRetryable } from "./client-errors.js";
import { backoffDelay, type RetryPolicy } from "./retry-policy.js";

/** The bytes of one file to upload: its size and digest known up front, read part by part. */
export interface UploadSource {
  size: number;
  /** Lowercase hex sha256 of the whole file. */
  sha256: string;
  /** Reads `length` bytes at `offset` (only one part is ever held in memory). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Reads `length` bytes at `offset` into `target` (at least `length` long) and returns the
   * filled part of it: each sender then reuses one buffer for all its parts instead of
   * allocating one per part, which on Node 20 forces full GCs (docs/configuration.md).
   */
  readInto?(target: Uint8Array, offset: number, length: number): Promise<Uint8Array>;
  /**
   * The check each part is sent with. Node's sources use CRC-32 (zlib: about 3× cheaper than
   * sha256 on both ends); without one, parts carry their sha256 (Web Crypto, any runtime).
   * The whole file is verified against `sha256` on completion either way.
   */
  partChecksum?(bytes: Uint8Array): PartChecksum;
}

/** What describes an artifact on the server, besides its bytes. */
export interface ArtifactFields {
  path: string;
  type?: ArtifactType;
  step?: number;
  metrics?: Record<string, number>;
  metadata?: Record<string, unknown>;
  /** Replace a live artifact with other content at the same path (otherwise the server answers 409). */
  overwrite?: boolean;
}

export interface UploadOutcome {
  artifact: Artifact;
  /** True when the server already held these bytes: none were sent. */
  deduplicated: boolean;
  /** Part bytes put on the wire, retries and interrupted attempts included. */
  bytesSent: number;
}

export interface UploadDeps {
  client: LooplabClient;
  transfer: BinaryTransfer;
  retry: RetryPolicy;
  random: () => number;
  /** Consecutive failed attempts (network errors, 5xx) before giving up (default 8). */
  maxAttempts?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Remembers open upload sessions by run, path and digest, so that an upload cut off with its
 * process resumes in the next one (the node entry keeps them in a folder).
 */
export interface UploadSessionMemory {
  recall(key: string): Promise<string | undefined>;
  remember(key: string, uploadId: string): Promise<void>;
  forget(key: string): Promise<void>;
}

export interface UploadOptions {
  /** Where open sessions are remembered across processes (none: resume within this call only). */
  sessions?: UploadSessionMemory;
  /** Part size, bytes (default 8 MiB; raised when the file would need more than 10 000 parts). */
  partSize?: number;
  /** Progress: bytes the server acknowledged (whole parts), or the whole size at once when deduplicated. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** Parts in flight at once (default 4). */
  parallel?: number;
  signal?: AbortSignal;
}

export const DEFAULT_PARALLEL_PARTS = 4;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` again after network errors and retryable answers (408, 429, 5xx) with backoff,
 * until it succeeds or `maxAttempts` consecutive attempts failed. Other 4xx are thrown at once.
 * `onRetry` runs before each new attempt (to resynchronise state with the server).
 */
export async function withRetries<T>(
  deps: UploadDeps,
  fn: () => Promise<T>,
  onRetry?: () => Promise<void>,
): Promise<T> {
  const maxAttempts = deps.maxAttempts ?? 8;
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt > 1 && onRetry) await onRetry();
      return await fn();
    } catch (error) {
      if (!isRetryable(error) || attempt >= maxAttempts) throw error;
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      await sleep(backoffDelay(deps.retry, attempt, deps.random, retryAfter));
    }
  }
}

/** A part size the server accepts that keeps the file within MAX_PARTS parts. */
export function choosePartSize(size: number, wanted = DEFAULT_PART_SIZE): number {
  let partSize = Math.max(MIN_PART_SIZE, wanted);
  while (Math.ceil(size / partSize) > MAX_PARTS) partSize *= 2;
  return partSize;
}

/**
 * Uploads one file through a resumable session: creates it (the server answers `deduplicated`
 * when it already holds the bytes: nothing is sent), sends the parts it lacks with their
 * checksums, and on an interruption asks the session which parts arrived before sending the rest;
 * then completes it (the server verifies size and sha256 before the artifact becomes visible).
 */
export async function uploadArtifact(
  deps: UploadDeps,
  runId: string,
  fields: ArtifactFields,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<UploadOutcome> {
  const partSize = choosePartSize(source.size, options.partSize);
  const body = {
    path: fields.path,
    size: source.size,
    sha256: source.sha256,
    partSize,
    ...(fields.type === undefined ? {} : { type: fields.type }),
    ...(fields.step === undefined ? {} : { step: fields.step }),
    ...(fields.metrics === undefined ? {} : { metrics: fields.metrics }),
    ...(fields.metadata === undefined ? {} : { metadata: fields.metadata }),
    ...(fields.overwrite === undefined ? {} : { overwrite: fields.overwrite }),
  };
  const signal = options.signal;
  const memory = options.sessions;
  const key = `${runId}\n${fields.path}\n${source.sha256}\n${source.size}`;
  const earlier = memory ? await resumable(deps, memory, key, signal) : undefined;
  let session: UploadSession =
    earlier ??
    (await withRetries(deps, () =>
      deps.client.call("createUpload", { params: { runId }, body, ...(signal ? { signal } : {}) }),
    ));
  if (memory && session.state === "open") await memory.remember(key, session.uploadId).catch(() => {});
  let bytesSent = 0;
  if (session.deduplicated || session.state === "complete") {
    options.onProgress?.(source.size, source.size);
    return { artifact: requireArtifact(session), deduplicated: true, bytesSent };
  }
  const uploadId = session.uploadId;
  const refresh = async () => {
    session = await deps.client.call("getUpload", { params: { uploadId }, ...(signal ? { signal } : {}) });
    for (const n of session.receivedParts) received.add(n);
  };
  const received = new Set(session.receivedParts);
  let acknowledgedBytes = session.receivedBytes;
  const report = () => options.onProgress?.(Math.min(source.size, acknowledgedBytes), source.size);
  report();
  const todo: number[] = [];
  for (let part = 1; part <= session.partCount; part++) if (!received.has(part)) todo.push(part);
  const { partCount } = session;
  const sessionPartSize = session.partSize;
  const sendPart = async (part: number, reusable: { buffer?: Uint8Array }) => {
    if (received.has(part)) return;
    const offset = (part - 1) * sessionPartSize;
    const length = Math.min(sessionPartSize, source.size - offset);
    let bytes: Uint8Array;
    if (source.readInto) {
      reusable.buffer ??= new Uint8Array(Math.min(sessionPartSize, source.size));
      bytes = await source.readInto(reusable.buffer, offset, length);
    } else {
      bytes = await source.read(offset, length);
    }
    const checksum: PartChecksum = source.partChecksum
      ? source.partChecksum(bytes)
      : `sha256:${await sha256Hex(bytes)}`;
    bytesSent += bytes.length;
    await deps.transfer.sendBytes("uploadPart", bytes, {
      params: { uploadId, partNumber: part },
      headers: partChecksumHeader(checksum),
      ...(signal ? { signal } : {}),
    });
    if (received.has(part)) return;
    received.add(part);
    acknowledgedBytes += bytes.length;
    report();
  };
  // Parts go PARALLEL at a time, in order; the first part that fails for good stops the others.
  let failure: { error: unknown } | null = null;
  const sender = async () => {
    // One buffer per sender, reused once its part's request has ended (answered or failed).
    const reusable: { buffer?: Uint8Array } = {};
    while (todo.length > 0 && !failure) {
      const part = todo.shift() as number;
      try {
        await withRetries(deps, () => sendPart(part, reusable), refresh);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const parallel = Math.max(1, Math.min(options.parallel ?? DEFAULT_PARALLEL_PARTS, partCount));
  await Promise.all(Array.from({ length: parallel }, sender));
  if (failure) throw (failure as { error: unknown }).error;
  const done = await withRetries(
    deps,
    () => deps.client.call("completeUpload", { params: { uploadId }, ...(signal ? { signal } : {}) }),
    async () => {
      // A lost answer to a completion that happened: the session says so.
      await refresh();
      if (session.state === "complete") throw new CompletedAlready(session);
    },
  ).catch((error: unknown) => {
    if (error instanceof CompletedAlready) return error.session;
    throw error;
  });
  await memory?.forget(key).catch(() => {});
  options.onProgress?.(source.size, source.size);
  return { artifact: requireArtifact(done), deduplicated: false, bytesSent };
}

/** The open session an earlier process left for these bytes, if the server still has it. */
async function resumable(
  deps: UploadDeps,
  memory: UploadSessionMemory,
  key: string,
  signal: AbortSignal | undefined,
): Promise<UploadSession | undefined> {
  const uploadId = await memory.recall(key).catch(() => undefined);
  if (uploadId === undefined) return undefined;
  try {
    const session = await deps.client.call("getUpload", { params: { uploadId }, ...(signal ? { signal } : {}) });
    if (session.state === "open") return session;
  } catch (error) {
    if (isRetryable(error)) throw error;
  }
  await memory.forget(key).catch(() => {});
  return undefined;
}

class CompletedAlready extends Error {
  constructor(readonly session: UploadSession) {
    super("upload already complete");
  }
}

function requireArtifact(session: UploadSession): Artifact {
  if (session.artifact === null)
    throw new LooplabError("INTERNAL", `upload ${session.uploadId} is ${session.state} without an artifact`);
  return session.artifact;
}
