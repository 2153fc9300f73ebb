import { basename, resolve } from "node:path";
import { type Artifact, type ArtifactType, isLooplabError } from "@looplab/core";
import {
  createFileUploadSessions,
  downloadArtifactFiles,
  fileSource,
  formatBytes,
  type LooplabClient,
  selectLocalFiles,
  type UploadOutcome,
  uploadArtifact,
} from "@looplab/sdk";
import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import {
  parseArtifactType,
  parseMetrics,
  parseRunId,
  parseStep,
  startProgress,
  transferDeps,
} from "./artifacts-transfer.js";
import { renderArtifactTree, shortDigest } from "./artifacts-tree.js";
import { renderTable, writeJson, writeOut } from "./output.js";

/** `looplab artifacts ls|get|put`. */

/** Every artifact of a run under `prefix` (all pages), ordered by path. */
export async function listAllArtifacts(
  client: LooplabClient,
  runId: string,
  query: { prefix?: string; type?: ArtifactType; includeDeleted?: boolean },
): Promise<{ artifacts: Artifact[]; totalBytes: number }> {
  const artifacts: Artifact[] = [];
  let totalBytes = 0;
  let pageToken: string | undefined;
  do {
    const page = await client.call("listArtifacts", {
      params: { runId },
      query: { ...query, limit: 1000, ...(pageToken ? { pageToken } : {}) },
    });
    if (pageToken === undefined) totalBytes = page.totalBytes;
    artifacts.push(...page.artifacts);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return { artifacts, totalBytes };
}

interface LsOptions {
  prefix?: string;
  type?: ArtifactType;
  deleted?: boolean;
  json?: boolean;
}

async function listCommand(ctx: CliContext, command: Command, runId: string, opts: LsOptions): Promise<void> {
  const client = ctx.client(command);
  const { artifacts, totalBytes } = await listAllArtifacts(client, runId, {
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
    ...(opts.type ? { type: opts.type } : {}),
    includeDeleted: opts.deleted ?? false,
  });
  if (opts.json) {
    await writeJson(ctx.io, { artifacts, totalCount: artifacts.length, totalBytes });
    return;
  }
  if (artifacts.length === 0) {
    ctx.io.stderr.write(`run ${runId} has no artifacts${opts.prefix ? ` under ${opts.prefix}` : ""}\n`);
    return;
  }
  await writeOut(ctx.io, renderArtifactTree(artifacts));
  ctx.io.stderr.write(`${artifacts.length} files, ${formatBytes(totalBytes)}\n`);
}

async function getCommand(
  ctx: CliContext,
  command: Command,
  runId: string,
  path: string,
  opts: { output: string; json?: boolean },
): Promise<void> {
  const deps = transferDeps(ctx, command);
  const wanted = path.replace(/\/+$/, "");
  let files: Artifact[];
  let base: string;
  const exact = wanted === path ? await getInfo(deps.client, runId, wanted) : null;
  if (exact !== null && exact.state === "live") {
    files = [exact];
    base = wanted.slice(0, wanted.length - basename(wanted).length);
  } else {
    if (exact !== null) throw new CliError(`${path} is ${exact.state}: nothing to download`, exitCodes.notFound);
    files = (await listAllArtifacts(deps.client, runId, { prefix: `${wanted}/` })).artifacts;
    if (files.length === 0) {
      throw new CliError(`run ${runId} has no artifact ${wanted} and no folder ${wanted}/`, exitCodes.notFound);
    }
    // Like `cp -r`: the folder itself lands in the output folder.
    base = wanted.slice(0, wanted.length - basename(wanted).length);
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const progress = startProgress(ctx.io, "downloading", total);
  const outcomes = await downloadArtifactFiles(deps, runId, files, opts.output, base, {
    onProgress: (done) => progress.update(done),
  });
  const fetched = outcomes.reduce((sum, o) => sum + o.bytesReceived, 0);
  const cached = outcomes.filter((o) => o.cached).length;
  progress.finish(
    `downloaded ${files.length} file${files.length === 1 ? "" : "s"} (${formatBytes(total)}, ${formatBytes(fetched)} fetched${cached ? `, ${cached} already present` : ""}) to ${resolve(opts.output)}`,
  );
  if (opts.json) {
    await writeJson(
      ctx.io,
      outcomes.map((o, i) => ({ path: files[i]?.path, file: o.target, size: files[i]?.size, cached: o.cached })),
    );
  } else {
    await writeOut(ctx.io, outcomes.map((o) => `${o.target}\n`).join(""));
  }
}

async function getInfo(client: LooplabClient, runId: string, path: string): Promise<Artifact | null> {
  try {
    return await client.call("getArtifact", { params: { runId }, query: { path } });
  } catch (error) {
    // A folder prefix is no artifact path (404); a path the server refuses (400) is reported.
    if (isLooplabError(error) && error.code === "NOT_FOUND") return null;
    throw error;
  }
}

interface PutOptions {
  type: ArtifactType;
  name?: string;
  step?: number;
  metrics?: Record<string, number>;
  overwrite?: boolean;
  json?: boolean;
}

async function putCommand(
  ctx: CliContext,
  command: Command,
  runId: string,
  paths: string[],
  opts: PutOptions,
): Promise<void> {
  if (opts.name !== undefined && paths.length > 1) {
    throw new CliError("artifacts put: --name applies to one FILE (or folder) only", exitCodes.usage);
  }
  const checkpoint = opts.type === "checkpoint";
  if (checkpoint !== (opts.step !== undefined)) {
    throw new CliError(
      "artifacts put: --step goes with --type checkpoint, and a checkpoint needs --step",
      exitCodes.usage,
    );
  }
  const fields = {
    type: opts.type,
    ...(opts.step === undefined ? {} : { step: opts.step }),
    ...(opts.metrics === undefined ? {} : { metrics: opts.metrics }),
    ...(opts.overwrite ? { overwrite: true } : {}),
  };
  // Checkpoints go under checkpoints/step-<step>/ unless named, as the SDK's saveCheckpoint does.
  const folder = opts.step === undefined ? undefined : `checkpoints/step-${opts.step}`;
  const deps = transferDeps(ctx, command);
  const uploads: { artifactPath: string; file: Parameters<typeof fileSource>[0] }[] = [];
  for (const path of paths) {
    const selection = await selectLocalFiles(path).catch((error: unknown) => {
      throw new CliError(`artifacts put: ${error instanceof Error ? error.message : String(error)}`, exitCodes.usage);
    });
    const prefix = opts.name ?? folder ?? selection.name;
    for (const file of selection.files) {
      let artifactPath = prefix === "" ? file.relativePath : `${prefix}/${file.relativePath}`;
      if (selection.kind === "file")
        artifactPath = opts.name ?? (folder ? `${folder}/${selection.name}` : selection.name);
      uploads.push({ artifactPath, file });
    }
  }
  const total = uploads.reduce((sum, u) => sum + u.file.size, 0);
  const progress = startProgress(ctx.io, "uploading", total);
  const sessions = createFileUploadSessions(ctx.io.env.LOOPLAB_UPLOADS_DIR || undefined);
  const results: { path: string; outcome: UploadOutcome }[] = [];
  let before = 0;
  for (const upload of uploads) {
    const start = before;
    const outcome = await uploadArtifact(
      deps,
      runId,
      { path: upload.artifactPath, ...fields },
      await fileSource(upload.file),
      { onProgress: (done) => progress.update(start + done), sessions },
    );
    before += upload.file.size;
    results.push({ path: upload.artifactPath, outcome });
  }
  const sent = results.reduce((sum, r) => sum + r.outcome.bytesSent, 0);
  const deduplicated = results.filter((r) => r.outcome.deduplicated).length;
  progress.finish(
    `uploaded ${results.length} file${results.length === 1 ? "" : "s"} (${formatBytes(total)}, ${formatBytes(sent)} sent${deduplicated ? `, ${deduplicated} already stored` : ""})`,
  );
  if (opts.json) {
    await writeJson(
      ctx.io,
      results.map((r) => ({ ...r.outcome.artifact, deduplicated: r.outcome.deduplicated })),
    );
    return;
  }
  const rows = results.map((r) => [
    r.path,
    formatBytes(r.outcome.artifact.size),
    r.outcome.artifact.type,
    shortDigest(r.outcome.artifact.sha256),
    r.outcome.deduplicated ? "deduplicated" : "uploaded",
  ]);
  await writeOut(ctx.io, renderTable(["path", "size", "type", "sha256", "result"], rows, ["left", "right"]));
}

export function registerArtifactsCommand(program: Command, ctx: CliContext): void {
  const artifacts = program.command("artifacts").description("list, download and upload a run's artifacts");
  artifacts
    .command("ls")
    .description("a run's file tree with sizes, types and digests")
    .argument("<run>", "run id", parseRunId)
    .option("--prefix <folder>", "only paths under this folder (e.g. checkpoints/)")
    .option("-t, --type <type>", "only artifacts of this type", parseArtifactType)
    .option("--deleted", "include soft-deleted and collected artifacts")
    .option("--json", "print JSON")
    .action((run: string, opts: LsOptions, command: Command) => listCommand(ctx, command, run, opts));
  artifacts
    .command("get")
    .description("download a file, or every file under a folder, verifying digests (resumes partial downloads)")
    .argument("<run>", "run id", parseRunId)
    .argument("<path>", "artifact path or folder prefix")
    .option("-o, --output <dir>", "folder to write into", ".")
    .option("--json", "print what was written as JSON")
    .action((run: string, path: string, opts: { output: string; json?: boolean }, command: Command) =>
      getCommand(ctx, command, run, path, opts),
    );
  artifacts
    .command("put")
    .description("upload files or folders (each file of a folder under its relative path); stored once per content")
    .argument("<run>", "run id", parseRunId)
    .argument("<files...>", "files or folders")
    .option("-t, --type <type>", "artifact type", parseArtifactType, "file" as ArtifactType)
    .option("-n, --name <path>", "artifact path for a single file (or folder prefix; '' for the root)")
    .option("--step <n>", "checkpoint step (with --type checkpoint; default name checkpoints/step-<n>/…)", parseStep)
    .option("--metrics <json>", "metrics of a checkpoint, e.g. '{\"val/acc\": 0.91}'", parseMetrics)
    .option("--overwrite", "replace artifacts with other content at the same paths")
    .option("--json", "print the stored artifacts as JSON")
    .action((run: string, files: string[], opts: PutOptions, command: Command) =>
      putCommand(ctx, command, run, files, opts),
    );
}
