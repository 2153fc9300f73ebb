import type { Readable } from "node:stream";
import { LooplabError, PART_CRC32_HEADER, PART_SHA256_HEADER, routes } from "@looplab/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ByteRange } from "../../ports/blob-store.js";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/**
 * Artifact routes. Bodies of `application/octet-stream` (and of no declared type) reach the
 * handlers as the raw request stream, in this scope only: file bytes are streamed to the store,
 * never buffered, and the body limit does not apply (sizes are declared and enforced instead).
 */
export function registerArtifactRoutes(app: FastifyInstance, s: Services): void {
  void app.register(async (scope) => {
    const passRaw = (_request: FastifyRequest, payload: unknown, done: (err: null, body: unknown) => void) =>
      done(null, payload);
    scope.addContentTypeParser("application/octet-stream", passRaw);
    scope.addContentTypeParser("*", passRaw);
    registerUploadRoutes(scope, s);
    registerReadRoutes(scope, s);
    registerCheckpointRoutes(scope, s);
    registerLineageAndStorageRoutes(scope, s);
  });
}

function rawBody(request: FastifyRequest): { body: Readable; contentLength: number | undefined } {
  const length = request.headers["content-length"];
  const contentLength = length === undefined ? undefined : Number(length);
  // Without a body fastify leaves `body` undefined: then the request itself is the (empty) stream.
  const body = (request.body ?? request.raw) as Readable;
  return { body, contentLength: Number.isFinite(contentLength) ? contentLength : undefined };
}

function registerUploadRoutes(app: FastifyInstance, s: Services): void {
  const a = s.artifacts;
  registerRoute(app, routes.createUpload, ({ params, body }) => a.createUpload(params.runId, body));
  registerRoute(app, routes.getUpload, ({ params }) => a.getUpload(params.uploadId));
  registerRoute(app, routes.uploadPart, ({ params, request }) => {
    const { body, contentLength } = rawBody(request);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : undefined;
    };
    const checksum = { crc32: header(PART_CRC32_HEADER), sha256: header(PART_SHA256_HEADER) };
    return a.uploadPart(params.uploadId, params.partNumber, body, { checksum, contentLength });
  });
  registerRoute(app, routes.completeUpload, ({ params }) => a.completeUpload(params.uploadId));
  registerRoute(app, routes.abortUpload, async ({ params }) => {
    await a.abortUpload(params.uploadId);
    return { ok: true as const };
  });
  registerRoute(app, routes.putArtifact, ({ params, query, request }) => {
    const { body, contentLength } = rawBody(request);
    const { metrics, metadata, ...fields } = query;
    return a.putWhole(params.runId, fields, { metrics, metadata }, body, contentLength);
  });
}

/** One `bytes=` range of RFC 9110; others (several ranges, bad syntax) are ignored: the whole file is sent. */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined | "unsatisfiable" {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return undefined;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Number(last);
  if (start >= size) return "unsatisfiable";
  if (end < start) return undefined;
  return { start, end: Math.min(end, size - 1) };
}

function contentDisposition(path: string): string {
  const name = path.split("/").at(-1) ?? "artifact";
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

async function download(
  s: Services,
  query: { runId: string; path: string; includeDeleted: boolean },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const { runId, path, includeDeleted } = query;
  const rangeHeader = request.headers.range;
  const { artifact, range, stream } = await s.artifacts.open(runId, path, { includeDeleted }, (size) => {
    const range = parseRange(rangeHeader, size);
    if (range !== "unsatisfiable") return range;
    void reply.header("content-range", `bytes */${size}`);
    throw new LooplabError("RANGE_NOT_SATISFIABLE", `range '${rangeHeader}' is outside the ${size} bytes of '${path}'`);
  });
  const etag = `"${artifact.sha256}"`;
  void reply
    .header("accept-ranges", "bytes")
    .header("etag", etag)
    .header("x-looplab-sha256", artifact.sha256)
    .header("content-disposition", contentDisposition(artifact.path))
    .type("application/octet-stream");
  if (!range && request.headers["if-none-match"] === etag) {
    stream.destroy();
    return reply.status(304).send();
  }
  if (range) {
    void reply
      .status(206)
      .header("content-range", `bytes ${range.start}-${range.end}/${artifact.size}`)
      .header("content-length", range.end - range.start + 1);
  } else {
    void reply.status(200).header("content-length", artifact.size);
  }
  return reply.send(stream);
}

function registerReadRoutes(app: FastifyInstance, s: Services): void {
  const a = s.artifacts;
  registerRoute(app, routes.listArtifacts, ({ params, query }) => a.list(params.runId, query));
  registerRoute(app, routes.getArtifact, ({ params, query }) => a.info(params.runId, query.path));
  registerRoute(app, routes.downloadArtifact, async ({ params, query, request, reply }) => {
    await download(s, { runId: params.runId, ...query }, request, reply);
    return undefined;
  });
  registerRoute(app, routes.deleteArtifact, async ({ params, query }) => {
    await a.remove(params.runId, query.path, query.purge);
    return { ok: true as const };
  });
  registerRoute(app, routes.restoreArtifact, ({ params, query }) => a.restore(params.runId, query.path));
}

function registerCheckpointRoutes(app: FastifyInstance, s: Services): void {
  const a = s.artifacts;
  const ok = { ok: true as const };
  registerRoute(app, routes.listCheckpoints, ({ params, query }) =>
    a.checkpoints(params.runId, query.includeCollected),
  );
  registerRoute(app, routes.latestCheckpoint, ({ params }) => a.latestCheckpoint(params.runId));
  registerRoute(app, routes.getProjectRetention, ({ params }) => a.getRetention("project", params.project));
  registerRoute(app, routes.putProjectRetention, ({ params, body }) => a.putRetention("project", params.project, body));
  registerRoute(app, routes.deleteProjectRetention, async ({ params }) => {
    await a.deleteRetention("project", params.project);
    return ok;
  });
  registerRoute(app, routes.getRunRetention, ({ params }) => a.getRetention("run", params.runId));
  registerRoute(app, routes.putRunRetention, ({ params, body }) => a.putRetention("run", params.runId, body));
  registerRoute(app, routes.deleteRunRetention, async ({ params }) => {
    await a.deleteRetention("run", params.runId);
    return ok;
  });
}

function registerLineageAndStorageRoutes(app: FastifyInstance, s: Services): void {
  const a = s.artifacts;
  registerRoute(app, routes.recordLineage, ({ params, body }) => a.recordLineage(params.runId, body.used));
  registerRoute(app, routes.runLineage, ({ params }) => a.runLineage(params.runId));
  registerRoute(app, routes.blobConsumers, ({ params, query }) => a.consumers(params.sha256, query));
  registerRoute(app, routes.runStorage, ({ params }) => a.runStorage(params.runId));
  registerRoute(app, routes.projectStorage, ({ params }) => a.projectStorage(params.project));
  registerRoute(app, routes.putProjectQuota, ({ params, body }) => a.putQuota(params.project, body.quotaBytes));
  registerRoute(app, routes.collectArtifactGarbage, ({ body }) =>
    a.collectGarbage(body?.graceSeconds !== undefined ? body.graceSeconds * 1000 : undefined),
  );
}
