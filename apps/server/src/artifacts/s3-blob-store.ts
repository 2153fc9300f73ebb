import { once } from "node:events";
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { failedPrecondition, invalidArgument } from "@looplab/core";
import type { BlobInfo, BlobStore, ByteRange } from "../ports/blob-store.js";
import { type ChunkHasher, checkDigest, DigestStream, newSha256 } from "./digest-stream.js";
import { algorithmOf, checkPartChecksum, createPartChecksummer } from "./part-checksum.js";

export interface S3Settings {
  bucket: string;
  /** Key prefix, "" or ending with "/". */
  prefix: string;
  /** e.g. http://127.0.0.1:9000; default AWS_ENDPOINT_URL, else AWS itself. */
  endpoint?: string | undefined;
  region?: string | undefined;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  /** Bytes per multipart part sent to S3 (≥ 5 MiB); memory used per transfer is about 2 parts. */
  transferPartSize?: number;
}

export function parseS3Location(location: string): Pick<S3Settings, "bucket" | "prefix"> {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(location);
  if (!match) throw invalidArgument(`artifacts location '${location}' is not s3://bucket/prefix`);
  const raw = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  return { bucket: match[1] as string, prefix: raw ? `${raw}/` : "" };
}

const isNotFound = (error: unknown) => {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
};

/**
 * Blobs in S3-compatible storage at `<prefix>sha256/ab/cd/<sha256>`. Writes stream through a
 * sha256 into a multipart upload (lib-storage), which S3 makes visible only when complete; a
 * digest mismatch deletes the object before anyone may reference it (the service holds the
 * blob's lock meanwhile). Upload parts are staged as objects under `<prefix>uploads/<id>/`.
 */
export function createS3BlobStore(settings: S3Settings): BlobStore {
  const env = process.env;
  const endpoint = settings.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const accessKeyId = settings.accessKeyId ?? env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = settings.secretAccessKey ?? env.AWS_SECRET_ACCESS_KEY;
  const client = new S3Client({
    region: settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    forcePathStyle: true,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    // S3-compatible servers (s3rver, older MinIO) do not know the newer flexible checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = settings.bucket;
  const blobKey = (sha256: string) => `${settings.prefix}sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  const uploadsPrefix = `${settings.prefix}uploads/`;
  const partKey = (uploadId: string, n: number) => `${uploadsPrefix}${uploadId}/${String(n).padStart(5, "0")}`;
  const partSize = Math.max(5 * 1024 * 1024, settings.transferPartSize ?? 8 * 1024 * 1024);

  /**
   * Streams `body` to `Key` while feeding `hasher` (at most `limit` bytes); deletes the object
   * again if `check` (given the byte count) throws.
   */
  async function putChecked(
    Key: string,
    body: Readable,
    opts: { limit: number | undefined; label: string; hasher: ChunkHasher; check(bytes: number): void },
  ) {
    const digest = new DigestStream([opts.hasher], { limit: opts.limit, label: opts.label });
    const pass = new PassThrough({ highWaterMark: 1024 * 1024 });
    const upload = new Upload({ client, params: { Bucket, Key, Body: pass }, partSize, queueSize: 2 });
    const feeding = pipeline(body, digest, pass);
    try {
      await Promise.all([feeding, upload.done()]);
    } catch (error) {
      pass.destroy();
      await upload.abort().catch(() => undefined);
      throw error;
    }
    try {
      opts.check(digest.bytes);
    } catch (error) {
      await client.send(new DeleteObjectCommand({ Bucket, Key })).catch(() => undefined);
      throw error;
    }
    return digest.bytes;
  }

  /** Streams `body` to `Key`, verified against its size (when given) and sha256. */
  function putVerified(
    Key: string,
    body: Readable,
    expected: { size?: number | undefined; sha256: string },
    label: string,
  ) {
    const hash = newSha256();
    const check = (bytes: number) => checkDigest(label, { bytes, sha256: hash.digest("hex") }, expected);
    return putChecked(Key, body, { limit: expected.size, label, hasher: hash, check });
  }

  async function getObject(Key: string, range?: ByteRange): Promise<Readable | null> {
    try {
      const out = await client.send(
        new GetObjectCommand({ Bucket, Key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      return out.Body as Readable;
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async function* listKeys(Prefix: string, Delimiter?: string) {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket, Prefix, ContinuationToken, ...(Delimiter ? { Delimiter } : {}) }),
      );
      yield page;
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  async function deletePrefix(Prefix: string): Promise<void> {
    for await (const page of listKeys(Prefix)) {
      const Objects = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (Objects.length > 0) await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects, Quiet: true } }));
    }
  }

  /** The staged parts joined in order, as one stream. */
  function joinedParts(uploadId: string, partCount: number): Readable {
    const out = new PassThrough({ highWaterMark: 1024 * 1024 });
    (async () => {
      for (let n = 1; n <= partCount; n++) {
        const part = await getObject(partKey(uploadId, n));
        if (!part) throw failedPrecondition(`part ${n} is missing`, { missingParts: [n] });
        for await (const chunk of part) {
          if (!out.write(chunk)) await once(out, "drain");
        }
      }
      out.end();
    })().catch((error) => out.destroy(error as Error));
    return out;
  }

  return {
    kind: "s3",
    location: `s3://${Bucket}/${settings.prefix}`,

    async put(sha256, body, opts = {}) {
      return { size: await putVerified(blobKey(sha256), body, { size: opts.size, sha256 }, "blob") };
    },
    get: (sha256, range) => getObject(blobKey(sha256), range),
    async head(sha256) {
      try {
        const out = await client.send(new HeadObjectCommand({ Bucket, Key: blobKey(sha256) }));
        return { size: Number(out.ContentLength ?? 0) };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async delete(sha256) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: blobKey(sha256) }));
    },
    async *list(): AsyncIterable<BlobInfo> {
      for await (const page of listKeys(`${settings.prefix}sha256/`)) {
        for (const object of page.Contents ?? []) {
          const sha256 = object.Key?.split("/").at(-1) ?? "";
          if (!/^[0-9a-f]{64}$/.test(sha256)) continue;
          yield { sha256, size: Number(object.Size ?? 0), modifiedAt: object.LastModified?.getTime() ?? 0 };
        }
      }
    },

    async putPart(part, body) {
      const label = `part ${part.partNumber}`;
      const hasher = createPartChecksummer(algorithmOf(part.checksum));
      const check = (bytes: number) => checkPartChecksum(label, { bytes, checksum: hasher.result() }, part);
      await putChecked(partKey(part.uploadId, part.partNumber), body, { limit: part.size, label, hasher, check });
    },
    async completeUpload(spec) {
      const head = await client
        .send(new HeadObjectCommand({ Bucket, Key: partKey(spec.uploadId, 1) }))
        .catch((error: unknown) => (isNotFound(error) ? null : Promise.reject(error)));
      if (!head) throw failedPrecondition("part 1 is missing", { missingParts: [1] });
      await putVerified(blobKey(spec.sha256), joinedParts(spec.uploadId, spec.partCount), spec, "upload");
      await deletePrefix(`${uploadsPrefix}${spec.uploadId}/`);
    },
    abortUpload: (uploadId) => deletePrefix(`${uploadsPrefix}${uploadId}/`),
    async *listUploads() {
      for await (const page of listKeys(uploadsPrefix, "/")) {
        for (const common of page.CommonPrefixes ?? []) {
          const id = common.Prefix?.slice(uploadsPrefix.length).replace(/\/$/, "");
          if (id) yield id;
        }
      }
    },
    async close() {
      client.destroy();
    },
  };
}
