import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Artifact, ImportedArtifact } from "@looplab/core";
import type { LooplabClient } from "@looplab/sdk";
import { CliError } from "./api-client.js";
import { compareCodeUnits, sortKeysDeep } from "./export-records.js";

/**
 * The artifacts of an export folder (docs/export-format.md): per run `artifacts/<run id>.jsonl`
 * (every record, soft-deleted and collected ones included), the bytes once per digest in
 * `blobs/<sha256>` (streamed from the server to disk and verified), and `lineage.jsonl`.
 */

const LIST_PAGE = 1000;
/** File streams move 1 MiB at a time (the default 64 KiB costs syscalls on large files). */
export const FILE_CHUNK = 1024 * 1024;

export interface ArtifactCounts {
  artifacts: number;
  blobs: number;
  blobBytes: number;
  lineage: number;
}

export interface LineageLine {
  runId: string;
  sha256: string;
  role: string | null;
  source: { runId: string; path: string } | null;
  usedAt: number;
}

export const blobPath = (dir: string, sha256: string) => join(dir, "blobs", sha256);
export const artifactsFile = (runId: string) => `artifacts/${runId}.jsonl`;

/** One record line, fields in a fixed order; metric names sorted, metadata as written. */
export function artifactLine(a: ImportedArtifact): string {
  const record: ImportedArtifact = {
    path: a.path,
    type: a.type,
    sha256: a.sha256,
    size: a.size,
    step: a.step,
    metrics: a.metrics === null ? null : (sortKeysDeep(a.metrics) as Record<string, number>),
    metadata: a.metadata,
    createdAt: a.createdAt,
    deletedAt: a.deletedAt,
    collectedAt: a.collectedAt,
  };
  return `${JSON.stringify(record)}\n`;
}

export function lineageLine(edge: LineageLine): string {
  const source = edge.source === null ? null : { runId: edge.source.runId, path: edge.source.path };
  const record = { runId: edge.runId, sha256: edge.sha256, role: edge.role, source, usedAt: edge.usedAt };
  return `${JSON.stringify(record)}\n`;
}

async function listAll(client: LooplabClient, runId: string): Promise<Artifact[]> {
  const all: Artifact[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listArtifacts", {
      params: { runId },
      query: { includeDeleted: true, limit: LIST_PAGE, ...(pageToken ? { pageToken } : {}) },
    });
    all.push(...page.artifacts);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return all.sort((a, b) => compareCodeUnits(a.path, b.path));
}

/**
 * Streams one artifact's bytes to `dest` through the download route, hashing on the way, and
 * renames the file into place only when size and sha256 match.
 */
export async function downloadBlob(
  client: LooplabClient,
  artifact: Pick<Artifact, "runId" | "path" | "sha256" | "size">,
  dest: string,
): Promise<void> {
  const response = (await client.call("downloadArtifact", {
    params: { runId: artifact.runId },
    query: { path: artifact.path, includeDeleted: true },
    timeoutMs: 0,
  })) as Response;
  if (!response.body) throw new CliError(`export: the server sent no bytes for '${artifact.path}'`);
  const partial = `${dest}.partial`;
  const hash = createHash("sha256");
  let size = 0;
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          size += chunk.length;
          yield chunk;
        }
      },
      createWriteStream(partial, { highWaterMark: FILE_CHUNK }),
    );
    const digest = hash.digest("hex");
    if (size !== artifact.size || digest !== artifact.sha256) {
      throw new CliError(
        `export: run ${artifact.runId} '${artifact.path}' arrived as ${size} bytes with sha256 ${digest}, expected ${artifact.size} bytes with ${artifact.sha256}`,
      );
    }
    await rename(partial, dest);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/**
 * Writes artifacts/<run id>.jsonl and the blobs not yet in the folder (`stored` holds the digests
 * already written); returns the run's lineage edges for lineage.jsonl.
 */
export async function exportRunArtifacts(
  client: LooplabClient,
  dir: string,
  runId: string,
  stored: Set<string>,
  counts: ArtifactCounts,
): Promise<LineageLine[]> {
  const artifacts = await listAll(client, runId);
  const file = await open(join(dir, artifactsFile(runId)), "w");
  try {
    let text = "";
    for (const a of artifacts) text += artifactLine(a);
    if (text) await file.write(text);
  } finally {
    await file.close();
  }
  counts.artifacts += artifacts.length;
  for (const a of artifacts) {
    if (a.collectedAt !== null || stored.has(a.sha256)) continue;
    await downloadBlob(client, a, blobPath(dir, a.sha256));
    stored.add(a.sha256);
    counts.blobs++;
    counts.blobBytes += a.size;
  }
  const { used } = await client.call("runLineage", { params: { runId } });
  const edges = used.map((e) => ({ runId, sha256: e.sha256, role: e.role, source: e.source, usedAt: e.usedAt }));
  edges.sort((a, b) => a.usedAt - b.usedAt || compareCodeUnits(a.sha256, b.sha256));
  counts.lineage += edges.length;
  return edges;
}
