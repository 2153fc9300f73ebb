import { mkdir, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { decodeFloat, EXPORT_FORMAT_NAME, EXPORT_FORMAT_VERSION, type Project } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import type { Command } from "commander";
import { exitCodes } from "../exit-codes.js";
import { type CliContext, CliError } from "./api-client.js";
import { type ArtifactCounts, exportRunArtifacts, type LineageLine, lineageLine } from "./export-artifacts.js";
import { compareCodeUnits, projectLine, runLine } from "./export-records.js";
import { writeJson, writeMessage } from "./output.js";
import { createSeriesSummary, POINTS_HEADER, pointLine, type SeriesSummaryLine } from "./points-csv.js";

/**
 * `looplab export --out DIR [--project P…]`: every project, run, config, config history, artifact,
 * metric definition and metric point, in the open format of docs/export-format.md.
 * The output is deterministic: the same data gives the same bytes from SQLite or PostgreSQL.
 */

const RUNS_PAGE = 100;
const POINTS_PAGE = 100_000;

export interface ExportCounts extends ArtifactCounts {
  projects: number;
  runs: number;
  configChanges: number;
  points: number;
}

/** What the artifact part of an export keeps across runs: blobs already written, lineage lines. */
interface ArtifactState {
  stored: Set<string>;
  lineage: LineageLine[];
}

type TextFile = Awaited<ReturnType<typeof open>>;

async function prepareFolder(dir: string): Promise<void> {
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (entries.length > 0) throw new CliError(`export: ${dir} is not empty; export into a new folder`, exitCodes.usage);
  await mkdir(join(dir, "metrics"), { recursive: true });
  await mkdir(join(dir, "artifacts"), { recursive: true });
  await mkdir(join(dir, "blobs"), { recursive: true });
}

async function listAllProjects(client: LooplabClient): Promise<Project[]> {
  const projects: Project[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listProjects", {
      query: { limit: 1000, includeDeleted: true, ...(pageToken ? { pageToken } : {}) },
    });
    projects.push(...page.projects);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return projects.sort((a, b) => compareCodeUnits(a.name, b.name));
}

/** Writes metrics/<runId>.csv, series by series in key order, and returns each series' summary. */
async function writePoints(client: LooplabClient, dir: string, runId: string): Promise<SeriesSummaryLine[]> {
  const { series } = await client.listSeries(runId);
  const keys = series.map((s) => s.key).sort(compareCodeUnits);
  const file = await open(join(dir, "metrics", `${runId}.csv`), "w");
  const summaries: SeriesSummaryLine[] = [];
  try {
    await file.write(`${POINTS_HEADER}\n`);
    for (const key of keys) {
      const summary = createSeriesSummary(key);
      let pageToken: string | undefined;
      do {
        const page = await client.seriesPoints(runId, {
          key,
          limit: POINTS_PAGE,
          ...(pageToken ? { pageToken } : {}),
        });
        let text = "";
        for (const p of page.points) {
          const value = decodeFloat(p.value);
          summary.add(p.step, value, p.time);
          text += pointLine(key, p.step, value, p.time);
        }
        if (text) await file.write(text);
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken !== undefined);
      summaries.push(summary.finish());
    }
  } finally {
    await file.close();
  }
  return summaries;
}

async function exportProjectRuns(
  client: LooplabClient,
  dir: string,
  project: string,
  runsFile: TextFile,
  counts: ExportCounts,
  artifacts: ArtifactState,
): Promise<number> {
  let pageToken: string | undefined;
  let previous = "";
  let exported = 0;
  do {
    const page = await client.call("exportProjectRuns", {
      params: { project },
      query: { limit: RUNS_PAGE, ...(pageToken ? { pageToken } : {}) },
    });
    for (const run of page.runs) {
      if (compareCodeUnits(run.id, previous) <= 0) {
        throw new CliError(`export: the server listed run ${run.id} out of id order; export aborted`);
      }
      previous = run.id;
      const summaries = await writePoints(client, dir, run.id);
      artifacts.lineage.push(...(await exportRunArtifacts(client, dir, run.id, artifacts.stored, counts)));
      await runsFile.write(runLine(run, summaries));
      counts.runs++;
      counts.configChanges += run.configHistory.length;
      counts.points += summaries.reduce((n, s) => n + s.count, 0);
      exported++;
    }
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return exported;
}

export async function exportFolder(
  ctx: CliContext,
  client: LooplabClient,
  opts: { out: string; project?: string[] },
): Promise<ExportCounts> {
  const all = await listAllProjects(client);
  let projects = all;
  if (opts.project && opts.project.length > 0) {
    const names = new Set(opts.project);
    const missing = [...names].filter((n) => !all.some((p) => p.name === n));
    if (missing.length > 0)
      throw new CliError(`export: no project named '${missing.join("', '")}'`, exitCodes.notFound);
    projects = all.filter((p) => names.has(p.name));
  }
  await prepareFolder(opts.out);
  const counts: ExportCounts = {
    projects: 0,
    runs: 0,
    configChanges: 0,
    points: 0,
    artifacts: 0,
    blobs: 0,
    blobBytes: 0,
    lineage: 0,
  };
  const artifacts: ArtifactState = { stored: new Set(), lineage: [] };
  const projectsFile = await open(join(opts.out, "projects.jsonl"), "w");
  const runsFile = await open(join(opts.out, "runs.jsonl"), "w");
  try {
    for (const project of projects) {
      await projectsFile.write(projectLine(project));
      counts.projects++;
      const before = counts.points;
      const beforeArtifacts = counts.artifacts;
      const runs = await exportProjectRuns(client, opts.out, project.name, runsFile, counts, artifacts);
      writeMessage(
        ctx.io,
        `exported project ${project.name}: ${runs} runs, ${counts.points - before} points, ${counts.artifacts - beforeArtifacts} artifacts`,
      );
    }
  } finally {
    await projectsFile.close();
    await runsFile.close();
  }
  const lineageFile = await open(join(opts.out, "lineage.jsonl"), "w");
  try {
    const text = artifacts.lineage.map(lineageLine).join("");
    if (text) await lineageFile.write(text);
  } finally {
    await lineageFile.close();
  }
  const manifest = { format: EXPORT_FORMAT_NAME, version: EXPORT_FORMAT_VERSION, ...counts };
  const manifestFile = await open(join(opts.out, "manifest.json"), "w");
  try {
    await manifestFile.write(`${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    await manifestFile.close();
  }
  return counts;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function registerExportCommand(program: Command, ctx: CliContext): void {
  program
    .command("export")
    .description(
      "export projects, runs, config history, every metric point and every artifact to a folder (docs/export-format.md)",
    )
    .requiredOption("--out <dir>", "folder to write (created; must be empty)")
    .option("-p, --project <name>", "export only this project (repeatable)", collect)
    .option("--json", "print the counts as JSON")
    .action(async (opts: { out: string; project?: string[]; json?: boolean }, command: Command) => {
      const counts = await exportFolder(ctx, ctx.client(command), opts);
      if (opts.json) await writeJson(ctx.io, counts);
      writeMessage(
        ctx.io,
        `exported ${counts.projects} projects, ${counts.runs} runs, ${counts.configChanges} config changes, ${counts.points} points and ${counts.artifacts} artifacts (${counts.blobs} blobs, ${counts.blobBytes} bytes) to ${opts.out}`,
      );
    });
}
