import type { BlobStore } from "../ports/blob-store.js";
import type { BlobSyncMode } from "./blob-sync.js";
import { createFsBlobStore } from "./fs-blob-store.js";
import { createS3BlobStore, parseS3Location, type S3Settings } from "./s3-blob-store.js";

/**
 * The blob store named by `--artifacts`: `s3://bucket/prefix` for S3-compatible storage (endpoint
 * and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION),
 * anything else a local folder (whose blobs are fsync'd as `fsync` says).
 */
export function openBlobStore(
  location: string,
  opts: { s3?: Partial<S3Settings>; fsync?: BlobSyncMode } = {},
): BlobStore {
  if (location.startsWith("s3://")) return createS3BlobStore({ ...parseS3Location(location), ...opts.s3 });
  return createFsBlobStore(location, opts.fsync ? { sync: opts.fsync } : {});
}
