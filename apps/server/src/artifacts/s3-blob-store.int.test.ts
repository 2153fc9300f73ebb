import { randomBytes } from "node:crypto";
import { blobStoreContract } from "../ports/blob-store.contract.js";
import { startS3TestServer } from "../testing/s3-test-server.js";
import { createS3BlobStore } from "./s3-blob-store.js";

blobStoreContract("S3 (s3rver)", async () => {
  const s3 = await startS3TestServer();
  const store = createS3BlobStore({
    bucket: s3.bucket,
    prefix: `t-${randomBytes(4).toString("hex")}/`,
    endpoint: s3.endpoint,
    accessKeyId: s3.accessKeyId,
    secretAccessKey: s3.secretAccessKey,
    region: "us-east-1",
  });
  return { store, cleanup: () => s3.stop() };
});
