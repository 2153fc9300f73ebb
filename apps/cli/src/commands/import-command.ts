import { createReadStream } from "node:fs";
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { EXPORT_FORMAT_NAME, EXPORT_FORMAT_VERSION, encodeFloat, isLooplabError } from "@looplab/core";
import type { LooplabClient, RouteBody } from "@looplab/sdk";
import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import {
  type ArtifactImportCounts,
  artifactsMatch,
  importRunArtifacts,
  readArtifactRecords,
  readLineage,
} from "./import-artifacts.js";
import { writeJson, writeMessage } from "./output.js";
import { type CsvPoint, POINTS_HEADER, parsePointLine } from "./points-csv.js";

/**
 * `looplab import DIR`: restores an export folder (docs/export-format.md) through the server's
 * import routes — ids, names, statuses, timestamps, tags, config and its history, metric
 * definitions, deletion marks and every point with its wall time, exactly as exported.
 */

const POINTS_PER_REQUEST = 20_000;

export interface ImportCounts extends ArtifactImportCounts {
  projects: number;
  runs: number;
  points: number;
  skippedProjects: number;
  skippedRuns: number;
}

interface RunLine {
  id: string;
  metrics?: { key: string; count: number }[];
  [field: string]: unknown;
}

/** The lines of a file of the export folder; a missing file is the folder's fault, said so. */
async function readLines(dir: string, name: string): Promise<AsyncIterable<string>> {
  const path = join(dir, name);
  try {
    await access(path);
  } catch {
    throw new CliError(`import: ${name} is missing from ${dir}`, exitCodes.usage);
  }
  return createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Number.POSITIVE_INFINITY });
}

async function* jsonLines(dir: string, label: string): AsyncGenerator<Record<string, unknown>> {
  const lines = await readLines(dir, label);
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new CliError(`import: ${label}:${n} is not valid JSON`, exitCodes.usage);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new CliError(`import: ${label}:${n} is not a JSON object`, exitCodes.usage);
    }
    yield value as Record<string, unknown>;
  }
}

/** Checks the manifest; returns the folder's format version. */
async function readManifest(dir: string): Promise<number> {
  let manifest: { format?: unknown; version?: unknown };
  try {
    manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8"));
  } catch (error) {
    const why =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "has no manifest.json" : "has a broken manifest.json";
    throw new CliError(`import: ${dir} ${why}; is it a folder written by \`looplab export\`?`, exitCodes.usage);
  }
  if (manifest.format !== EXPORT_FORMAT_NAME) {
    throw new CliError(
      `import: manifest.json names format '${String(manifest.format)}', not '${EXPORT_FORMAT_NAME}'`,
      exitCodes.usage,
    );
  }
  if (typeof manifest.version !== "number" || manifest.version > EXPORT_FORMAT_VERSION) {
    throw new CliError(
      `import: format version ${String(manifest.version)} is newer than this looplab reads (${EXPORT_FORMAT_VERSION}); upgrade looplab`,
      exitCodes.usage,
    );
  }
  return manifest.version;
}

const isAlreadyExists = (error: unknown) => isLooplabError(error) && error.code === "ALREADY_EXISTS";

/** Streams metrics/<runId>.csv to the server in batches; batch ids make a retried request a no-op. */
async function importPoints(client: LooplabClient, dir: string, runId: string): Promise<number> {
  const label = `metrics/${runId}.csv`;
  const lines = await readLines(dir, label);
  let batch: CsvPoint[] = [];
  let batchNo = 0;
  let sent = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const points = batch.map((p) => ({ key: p.key, step: p.step, value: encodeFloat(p.value), time: p.time }));
    await client.call("importRunMetrics", {
      params: { runId },
      body: { batchId: `import-${runId}-${batchNo++}`, points },
      timeoutMs: 120_000,
    });
    sent += batch.length;
    batch = [];
  };
  let n = 0;
  for await (const line of lines) {
    n++;
    if (n === 1) {
      if (line.replace(/^\uFEFF/, "") !== POINTS_HEADER) {
        throw new CliError(`import: ${label}:1: expected the header '${POINTS_HEADER}'`, exitCodes.usage);
      }
      continue;
    }
    if (line === "") continue;
    const point = parsePointLine(line);
    if (typeof point === "string") throw new CliError(`import: ${label}:${n}: ${point}`, exitCodes.usage);
    batch.push(point);
    if (batch.length >= POINTS_PER_REQUEST) await flush();
  }
  await flush();
  return sent;
}

/** Compares the server's series counts with the summaries the export wrote for the run. */
async function countsMatch(client: LooplabClient, run: RunLine): Promise<string | null> {
  const { series } = await client.listSeries(run.id);
  const stored = new Map(series.map((s) => [s.key, s.count]));
  for (const expected of run.metrics ?? []) {
    const have = stored.get(expected.key) ?? 0;
    if (have !== expected.count) return `'${expected.key}' holds ${have} of ${expected.count} points`;
  }
  return null;
}

export async function importFolder(
  ctx: CliContext,
  client: LooplabClient,
  opts: { dir: string; skipExisting?: boolean },
): Promise<ImportCounts> {
  const { dir } = opts;
  // Version 1 folders predate artifacts: no artifacts/, blobs/ or lineage.jsonl.
  const withArtifacts = (await readManifest(dir)) >= 2;
  const lineage = await readLineage(dir);
  const onServer = new Set<string>();
  const counts: ImportCounts = {
    projects: 0,
    runs: 0,
    points: 0,
    skippedProjects: 0,
    skippedRuns: 0,
    artifacts: 0,
    blobsSent: 0,
    bytesSent: 0,
  };
  for await (const project of jsonLines(dir, "projects.jsonl")) {
    try {
      await client.call("importProject", { body: project as RouteBody<"importProject"> });
      counts.projects++;
    } catch (error) {
      if (!isAlreadyExists(error) || !opts.skipExisting) throw existingHint(error);
      counts.skippedProjects++;
      writeMessage(ctx.io, `project ${String(project.name)} exists already: kept as it is`);
    }
  }
  const incomplete: string[] = [];
  for await (const record of jsonLines(dir, "runs.jsonl")) {
    const run = record as RunLine;
    const { metrics: _summaries, ...body } = run;
    const records = await readArtifactRecords(dir, run.id, withArtifacts);
    // Uploads need a live run: a soft-deleted one with bytes to send gets its mark back at the end.
    const deletedAt = (body.deletedAt as number | null | undefined) ?? null;
    const liveFirst = deletedAt !== null && records.some((r) => r.collectedAt === null);
    try {
      await client.call("importRun", {
        body: { ...body, ...(liveFirst ? { deletedAt: null } : {}) } as RouteBody<"importRun">,
      });
    } catch (error) {
      if (!isAlreadyExists(error) || !opts.skipExisting) throw existingHint(error);
      counts.skippedRuns++;
      const mismatch = (await countsMatch(client, run)) ?? (await artifactsMatch(client, run.id, records));
      if (mismatch) incomplete.push(`${run.id} (${mismatch})`);
      continue;
    }
    counts.points += await importPoints(client, dir, run.id);
    if (records.length > 0 || lineage.has(run.id) || liveFirst) {
      const edges = lineage.get(run.id) ?? [];
      await importRunArtifacts(
        client,
        dir,
        run.id,
        records,
        edges,
        liveFirst ? deletedAt : undefined,
        onServer,
        counts,
      );
    }
    counts.runs++;
    const mismatch = (await countsMatch(client, run)) ?? (await artifactsMatch(client, run.id, records));
    if (mismatch) throw new CliError(`import: run ${run.id} was imported but ${mismatch}`, exitCodes.failure);
  }
  if (incomplete.length > 0) {
    throw new CliError(
      `import: ${incomplete.length} existing run(s) differ from the export and were left untouched: ${incomplete.join(", ")}. ` +
        "If an earlier import was interrupted, purge them (`looplab runs delete ID --purge`) and import again.",
      exitCodes.failure,
    );
  }
  return counts;
}

function existingHint(error: unknown): unknown {
  if (!isAlreadyExists(error)) return error;
  return new CliError(
    `import: ${(error as Error).message}; pass --skip-existing to keep what the server has and import the rest`,
    exitCodes.usage,
  );
}

export function registerImportCommand(program: Command, ctx: CliContext): void {
  program
    .command("import")
    .description("import a folder written by `looplab export` into the server, exactly as exported")
    .argument("<dir>", "the export folder")
    .option("--skip-existing", "keep projects and runs the server already has (same name or id) and import the rest")
    .option("--json", "print the counts as JSON")
    .action(async (dir: string, opts: { skipExisting?: boolean; json?: boolean }, command: Command) => {
      const counts = await importFolder(ctx, ctx.client(command), { dir, skipExisting: opts.skipExisting ?? false });
      if (opts.json) await writeJson(ctx.io, counts);
      const skipped =
        counts.skippedProjects + counts.skippedRuns > 0
          ? ` (kept ${counts.skippedProjects} existing projects and ${counts.skippedRuns} existing runs)`
          : "";
      writeMessage(
        ctx.io,
        `imported ${counts.projects} projects, ${counts.runs} runs, ${counts.points} points and ${counts.artifacts} artifacts (${counts.blobsSent} blobs, ${counts.bytesSent} bytes sent)${skipped}`,
      );
    });
}
