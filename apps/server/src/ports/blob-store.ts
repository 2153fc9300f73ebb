import type { Readable } from "node:stream";
import type { PartChecksum } from "@looplab/core";

/**
 * The artifact store port (DESIGN.md §3): content-addressed blobs keyed by their sha256, plus a
 * staging area for multipart uploads. Only the server writes it (DESIGN.md §2.2). Adapters: a
 * local folder (`artifacts/fs-blob-store.ts`) and S3-compatible storage (`artifacts/s3-blob-store.ts`);
 * one contract suite (`blob-store.contract.ts`) runs against both.
 *
 * Every write verifies: bytes become visible under a key only if they hash to that key (and
 * have the expected size). A mismatch throws a LooplabError `UNPROCESSABLE` and leaves nothing.
 * A body stream that errors (a dropped connection) leaves nothing either.
 */

export interface BlobInfo {
  sha256: string;
  size: number;
  /** Epoch ms of the last write (for grace periods of orphan sweeps). */
  modifiedAt: number;
}

/** An inclusive byte range, as in HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PartSpec {
  uploadId: string;
  /** 1-based. */
  partNumber: number;
  /** Size of every part of the upload but the last. */
  partSize: number;
  /** Byte offset of the part in the whole file: (partNumber - 1) × partSize. */
  offset: number;
  /** Exact size the part must have. */
  size: number;
  /** The checksum the part's bytes must have. */
  checksum: PartChecksum;
}

export interface CompleteSpec {
  uploadId: string;
  partCount: number;
  /** Size of every part but the last. */
  partSize: number;
  size: number;
  sha256: string;
}

export interface BlobStore {
  readonly kind: "fs" | "s3";
  /** Where it stores, for logs (a folder or s3://bucket/prefix). */
  readonly location: string;

  /** Stores `body` under `sha256` after verifying digest (and `size` when given); returns the size. */
  put(sha256: string, body: Readable, opts?: { size?: number }): Promise<{ size: number }>;
  /** A stream of the blob's bytes (a range of them if asked), or null when it does not exist. */
  get(sha256: string, range?: ByteRange): Promise<Readable | null>;
  head(sha256: string): Promise<{ size: number } | null>;
  /** Removes a blob; no error when it is already gone. */
  delete(sha256: string): Promise<void>;
  /** Every stored blob (for orphan sweeps); order unspecified. */
  list(): AsyncIterable<BlobInfo>;

  /** Stages one verified part of an upload; parts may arrive in any order and concurrently. */
  putPart(part: PartSpec, body: Readable): Promise<void>;
  /**
   * Joins the staged parts 1..partCount into the blob `sha256`, verifying size and digest, and
   * removes the staging area. On mismatch throws `UNPROCESSABLE` and nothing becomes visible.
   */
  completeUpload(spec: CompleteSpec): Promise<void>;
  /** Discards an upload's staged parts; no error when there are none. */
  abortUpload(uploadId: string): Promise<void>;
  /** Upload ids that have staged data (for sweeps of abandoned uploads). */
  listUploads(): AsyncIterable<string>;
  close(): Promise<void>;
}
