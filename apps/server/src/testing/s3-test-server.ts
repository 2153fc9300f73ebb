import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./postgres-cluster.js";

/** A throw-away S3-compatible server (s3rver, in this process) for the S3 adapter's tests. */
export interface S3TestServer {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
}

export async function startS3TestServer(bucket = "looplab-test"): Promise<S3TestServer> {
  // s3rver ships no type declarations; it is a test-only dev dependency.
  const S3rver = createRequire(import.meta.url)("s3rver") as new (options: object) => S3rverInstance;
  const directory = mkdtempSync(join(tmpdir(), "looplab-s3rver-"));
  const port = await freePort();
  const server = new S3rver({
    port,
    address: "127.0.0.1",
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    // s3rver's built-in account.
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    async stop() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
