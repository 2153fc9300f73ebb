import type { BlobStore } from "../ports/blob-store.js";
import { createFsBlobStore } from "./fs-blob-store.js";
import { createS3BlobStore, parseS3Location, type S3Settings } from "./s3-blob-store.js";

/**
 * The blob store named by `--artifacts`: `s3://bucket/prefix` for S3-compatible storage (endpoint
 * and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION),
 * anything else a local folder.
 */
export function openBlobStore(location: string, s3: Partial<S3Settings> = {}): BlobStore {
  if (location.startsWith("s3://")) return createS3BlobStore({ ...parseS3Location(location), ...s3 });
  return createFsBlobStore(location);
}
