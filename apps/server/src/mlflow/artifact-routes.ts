import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Services } from "../services/index.js";
import { createArtifactStaging, type StagedFile } from "./artifact-staging.js";
import { invalidParameter, resourceDoesNotExist } from "./mlflow-errors.js";
import { compact, int64 } from "./mlflow-json.js";
import { registerMlflowRoute } from "./mlflow-route.js";
import type { MlflowRuns } from "./mlflow-runs.js";
import { runIdOf } from "./run-routes.js";

/**
 * The artifact proxy (MLflow's MlflowArtifactsService): `<experiment>/<run>/artifacts/<path>` is
 * the file `<path>` of the run's artifact tree in Looplab's artifact store. Bodies stream
 * through a temporary file (for the digest), never memory. Multipart uploads hand out part
 * URLs on this server (`mpu/part/<upload_id>/<n>`), so clients never need cloud credentials.
 */
const ARTIFACTS = "/mlflow-artifacts";

interface Target {
  runId: string;
  /** Path inside the run's artifact tree; "" for its root. */
  path: string;
}

export function parseArtifactPath(full: string): Target {
  const parts = full.split("/").filter((p) => p !== "");
  const [experiment, runId, root, ...rest] = parts;
  if (!experiment || !/^\d+$/.test(experiment) || !runId || (root !== undefined && root !== "artifacts")) {
    throw invalidParameter(`Invalid artifact path '${full}': expected <experiment_id>/<run_id>/artifacts/<path>`);
  }
  if (rest.some((p) => p === "." || p === "..")) throw invalidParameter(`Invalid artifact path '${full}'`);
  return { runId, path: rest.join("/") };
}

function rawBody(request: FastifyRequest): Readable {
  return (request.body ?? request.raw) as Readable;
}

export function registerArtifactRoutes(app: FastifyInstance, services: Services, runs: MlflowRuns) {
  const { artifacts } = services;
  const staging = createArtifactStaging();

  async function store(target: Target, staged: StagedFile): Promise<void> {
    try {
      await artifacts.putWhole(
        target.runId,
        { path: target.path, sha256: staged.sha256, type: "file", overwrite: true },
        {},
        staged.open(),
        staged.size,
      );
    } finally {
      await staged.remove();
    }
  }

  /** Every live file under `prefix` of a run (paged reads of the artifact index). */
  async function filesUnder(runId: string, prefix: string) {
    const out: { path: string; size: number }[] = [];
    let pageToken: string | undefined;
    do {
      const page = await artifacts.list(runId, {
        prefix: prefix || undefined,
        includeDeleted: false,
        pageToken,
        limit: 1000,
      });
      for (const a of page.artifacts) out.push({ path: a.path, size: a.size });
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return out;
  }

  /** Direct children of `dir` as MLflow FileInfos, with paths built by `name`. */
  async function children(runId: string, dir: string, name: (child: string) => string) {
    const prefix = dir ? `${dir}/` : "";
    const files = await filesUnder(runId, prefix);
    const seen = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const f of files) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      const slash = rest.indexOf("/");
      const child = slash < 0 ? rest : rest.slice(0, slash);
      if (seen.has(child)) continue;
      seen.set(
        child,
        slash < 0 ? { path: name(child), is_dir: false, file_size: f.size } : { path: name(child), is_dir: true },
      );
    }
    return [...seen.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  void app.register(async (scope) => {
    // raw bodies whatever their type (a .json artifact is bytes, not a request document)
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));

    registerMlflowRoute(
      scope,
      { method: "PUT", path: `${ARTIFACTS}/artifacts/*`, rawBody: true },
      async ({ params, request }) => {
        const target = parseArtifactPath(params["*"] ?? "");
        if (!target.path) throw invalidParameter("An artifact path must name a file");
        await runs.requireActive(target.runId);
        await store(target, await staging.stage(rawBody(request)));
        return {};
      },
    );

    registerMlflowRoute(
      scope,
      { method: "PUT", path: `${ARTIFACTS}/mpu/part/:upload_id/:part_number`, rawBody: true },
      async ({ params, request, reply }) => {
        const part = Number(params.part_number);
        if (!Number.isInteger(part) || part < 1 || part > 10_000) throw invalidParameter("Invalid part number");
        const etag = await staging.putPart(params.upload_id ?? "", part, rawBody(request));
        void reply.header("ETag", `"${etag}"`);
        return {};
      },
    );
  });

  async function sendFile(reply: FastifyReply, target: Target, shown: string) {
    const opened = await artifacts
      .open(target.runId, target.path, { includeDeleted: false }, () => undefined)
      .catch(() => {
        throw resourceDoesNotExist(`File not found: ${shown}`);
      });
    const name = encodeURIComponent(target.path.split("/").pop() ?? "file");
    void reply
      .header("content-type", "application/octet-stream")
      .header("content-length", String(opened.artifact.size))
      .header("content-disposition", `attachment; filename="${name}"`);
    return reply.send(opened.stream);
  }

  registerMlflowRoute(app, { method: "GET", path: `${ARTIFACTS}/artifacts/*` }, async ({ params, reply }) => {
    const target = parseArtifactPath(params["*"] ?? "");
    await runs.require(target.runId);
    return await sendFile(reply, target, params["*"] ?? "");
  });

  // MLflow's legacy run-artifact download (used by its UI)
  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/get-artifact",
      prefixes: [""],
      query: z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), path: z.string() }),
    },
    async ({ query, reply }) => {
      const run = await runs.require(runIdOf(query));
      const context = await runs.context(run);
      return await sendFile(
        reply,
        { runId: run.id, path: query.path },
        `${context.experimentId}/${run.id}/artifacts/${query.path}`,
      );
    },
  );

  registerMlflowRoute(
    app,
    { method: "GET", path: `${ARTIFACTS}/artifacts`, query: z.object({ path: z.string().optional() }) },
    async ({ query }) => {
      if (!query.path) return {};
      const target = parseArtifactPath(query.path);
      await runs.require(target.runId);
      return compact({ files: await children(target.runId, target.path, (child) => child) });
    },
  );

  registerMlflowRoute(app, { method: "DELETE", path: `${ARTIFACTS}/artifacts/*` }, async ({ params }) => {
    const target = parseArtifactPath(params["*"] ?? "");
    await runs.requireActive(target.runId);
    const files = (await filesUnder(target.runId, target.path)).filter(
      (f) => f.path === target.path || f.path.startsWith(`${target.path}/`) || target.path === "",
    );
    if (files.length === 0) throw resourceDoesNotExist(`File not found: ${params["*"]}`);
    for (const f of files) await artifacts.remove(target.runId, f.path, false);
    return {};
  });

  registerMlflowRoute(
    app,
    {
      method: "GET",
      path: "/mlflow/artifacts/list",
      query: z.object({ run_id: z.string().optional(), run_uuid: z.string().optional(), path: z.string().optional() }),
    },
    async ({ query }) => {
      const run = await runs.require(runIdOf(query));
      const context = await runs.context(run);
      const dir = (query.path ?? "").replace(/^\/+|\/+$/g, "");
      if (dir.split("/").some((p) => p === "..")) throw invalidParameter("Invalid path");
      return compact({
        root_uri: `mlflow-artifacts:/${context.experimentId}/${run.id}/artifacts`,
        files: await children(run.id, dir, (child) => (dir ? `${dir}/${child}` : child)),
      });
    },
  );

  const mpuBody = z.object({
    path: z.string().optional(),
    num_parts: int64.optional(),
    upload_id: z.string().optional(),
  });
  registerMlflowRoute(
    app,
    { method: "POST", path: `${ARTIFACTS}/mpu/create/*`, body: mpuBody },
    async ({ params, body, request }) => {
      const target = parseArtifactPath(params["*"] ?? "");
      await runs.requireActive(target.runId);
      const parts = body.num_parts ?? 1;
      if (parts < 1 || parts > 10_000) throw invalidParameter("num_parts must be between 1 and 10000");
      const uploadId = await staging.createUpload();
      const base = `${request.protocol}://${request.headers.host ?? "127.0.0.1"}${request.url.startsWith("/ajax-api") ? "/ajax-api/2.0" : "/api/2.0"}`;
      return {
        upload_id: uploadId,
        credentials: Array.from({ length: parts }, (_, i) => ({
          url: `${base}${ARTIFACTS}/mpu/part/${uploadId}/${i + 1}`,
          part_number: i + 1,
          upload_id: uploadId,
          headers: [],
        })),
      };
    },
  );

  const completeBody = z.object({
    path: z.string().optional(),
    upload_id: z.string(),
    parts: z
      .array(z.object({ part_number: int64, etag: z.string().optional(), url: z.string().optional() }))
      .optional(),
  });
  registerMlflowRoute(
    app,
    { method: "POST", path: `${ARTIFACTS}/mpu/complete/*`, body: completeBody },
    async ({ params, body }) => {
      const target = parseArtifactPath(params["*"] ?? "");
      await runs.requireActive(target.runId);
      const parts = (body.parts ?? []).map((p) => p.part_number);
      if (parts.length === 0) throw invalidParameter("Missing value for required parameter 'parts'.");
      await store(target, await staging.complete(body.upload_id, parts));
      return {};
    },
  );

  registerMlflowRoute(
    app,
    {
      method: "POST",
      path: `${ARTIFACTS}/mpu/abort/*`,
      body: z.object({ path: z.string().optional(), upload_id: z.string() }),
    },
    async ({ body }) => {
      await staging.abort(body.upload_id);
      return {};
    },
  );
}
