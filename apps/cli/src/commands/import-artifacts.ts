import { createReadStream } from "node:fs";
import { access, open } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { type ImportedArtifact, MAX_IMPORT_ARTIFACTS_PER_BATCH, partChecksumHeader } from "@looplab/core";
import { crc32Checksum, type LooplabClient, nodeHttpFetch } from "@looplab/sdk";
import { exitCodes } from "../exit-codes.js";
import { CliError } from "./api-client.js";
import { artifactsFile, blobPath, type LineageLine } from "./export-artifacts.js";

/**
 * Restores the artifacts of an export folder (docs/export-format.md): each blob a run needs is
 * sent once through an upload session (the server answers at once, sending nothing, when it
 * already holds the bytes), then the run's records are restored exactly by the import route.
 */

export interface ArtifactImportCounts {
  artifacts: number;
  blobsSent: number;
  bytesSent: number;
}

/** The records of artifacts/<run id>.jsonl; a missing file means none (format version 1). */
export async function readArtifactRecords(dir: string, runId: string, required: boolean): Promise<ImportedArtifact[]> {
  const label = artifactsFile(runId);
  const path = join(dir, label);
  try {
    await access(path);
  } catch {
    if (required) throw new CliError(`import: ${label} is missing from ${dir}`, exitCodes.usage);
    return [];
  }
  const records: ImportedArtifact[] = [];
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as ImportedArtifact);
    } catch {
      throw new CliError(`import: ${label}:${n} is not valid JSON`, exitCodes.usage);
    }
  }
  return records;
}

/** lineage.jsonl by run id (absent in version 1 folders). */
export async function readLineage(dir: string): Promise<Map<string, LineageLine[]>> {
  const byRun = new Map<string, LineageLine[]>();
  const path = join(dir, "lineage.jsonl");
  try {
    await access(path);
  } catch {
    return byRun;
  }
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path, "utf8"), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === "") continue;
    let edge: LineageLine;
    try {
      edge = JSON.parse(line) as LineageLine;
    } catch {
      throw new CliError(`import: lineage.jsonl:${n} is not valid JSON`, exitCodes.usage);
    }
    byRun.set(edge.runId, [...(byRun.get(edge.runId) ?? []), edge]);
  }
  return byRun;
}

async function failure(response: Response, what: string): Promise<CliError> {
  const text = await response.text().catch(() => "");
  let message = text;
  try {
    const body = JSON.parse(text) as { message?: string; error?: { message?: string } };
    message = body.error?.message ?? body.message ?? text;
  } catch {
    // not JSON: the text itself
  }
  return new CliError(`import: ${what} failed (${response.status}): ${message}`);
}

/**
 * Sends blobs/<sha256> through an upload session at `path` of the run: parts the server lacks
 * are read into one part-sized buffer, hashed and sent. Returns the bytes sent (0 when deduplicated).
 */
export async function uploadBlob(
  client: LooplabClient,
  dir: string,
  runId: string,
  artifact: Pick<ImportedArtifact, "path" | "sha256" | "size">,
): Promise<number> {
  const session = await client.call("createUpload", {
    params: { runId },
    body: { path: artifact.path, size: artifact.size, sha256: artifact.sha256, type: "file" },
  });
  if (session.state === "complete") return 0;
  const received = new Set(session.receivedParts);
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(blobPath(dir, artifact.sha256), "r");
  } catch {
    throw new CliError(`import: blobs/${artifact.sha256} (for '${artifact.path}') is missing`, exitCodes.usage);
  }
  let sent = 0;
  try {
    const buffer = Buffer.allocUnsafe(Math.min(session.partSize, Math.max(artifact.size, 1)));
    for (let n = 1; n <= session.partCount; n++) {
      if (received.has(n)) continue;
      const offset = (n - 1) * session.partSize;
      const length = Math.min(session.partSize, artifact.size - offset);
      const { bytesRead } = await file.read(buffer, 0, length, offset);
      if (bytesRead !== length) throw new CliError(`import: blobs/${artifact.sha256} is shorter than the export says`);
      const part = buffer.subarray(0, length);
      const response = await nodeHttpFetch(`${client.baseUrl}/api/v1/uploads/${session.uploadId}/parts/${n}`, {
        method: "PUT",
        body: part,
        headers: {
          "content-type": "application/octet-stream",
          ...partChecksumHeader(crc32Checksum(part)),
        },
      });
      if (!response.ok) throw await failure(response, `uploading part ${n} of '${artifact.path}'`);
      await response.arrayBuffer();
      sent += length;
    }
  } finally {
    await file.close();
  }
  await client.call("completeUpload", { params: { uploadId: session.uploadId }, timeoutMs: 600_000 });
  return sent;
}

/**
 * Uploads the blobs a newly imported run needs (`onServer`: digests known to be on the server
 * already, shared across runs) and restores its records and lineage; a soft-deleted run gets its
 * deletion mark back at the end (`runDeletedAt`).
 */
export async function importRunArtifacts(
  client: LooplabClient,
  dir: string,
  runId: string,
  records: ImportedArtifact[],
  lineage: LineageLine[],
  runDeletedAt: number | null | undefined,
  onServer: Set<string>,
  counts: ArtifactImportCounts,
): Promise<void> {
  for (const record of records) {
    if (record.collectedAt !== null || onServer.has(record.sha256)) continue;
    const sent = await uploadBlob(client, dir, runId, record);
    onServer.add(record.sha256);
    if (sent > 0) counts.blobsSent++;
    counts.bytesSent += sent;
  }
  const edges = lineage.map((e) => ({ sha256: e.sha256, role: e.role, source: e.source, usedAt: e.usedAt }));
  for (let i = 0; i === 0 || i < records.length; i += MAX_IMPORT_ARTIFACTS_PER_BATCH) {
    const last = i + MAX_IMPORT_ARTIFACTS_PER_BATCH >= records.length;
    await client.call("importRunArtifacts", {
      params: { runId },
      body: {
        artifacts: records.slice(i, i + MAX_IMPORT_ARTIFACTS_PER_BATCH),
        lineage: last ? edges : [],
        ...(last && runDeletedAt !== undefined ? { runDeletedAt } : {}),
      },
      timeoutMs: 120_000,
    });
  }
  counts.artifacts += records.length;
}

/** Differences between the server's records of a run and the export's, or null when they match. */
export async function artifactsMatch(
  client: LooplabClient,
  runId: string,
  records: ImportedArtifact[],
): Promise<string | null> {
  const stored = new Map<string, ImportedArtifact>();
  let pageToken: string | undefined;
  do {
    const page = await client.call("listArtifacts", {
      params: { runId },
      query: { includeDeleted: true, limit: 1000, ...(pageToken ? { pageToken } : {}) },
    });
    for (const a of page.artifacts) stored.set(a.path, a);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  for (const r of records) {
    const have = stored.get(r.path);
    if (!have) return `artifact '${r.path}' is missing`;
    const same =
      have.sha256 === r.sha256 &&
      have.type === r.type &&
      have.step === r.step &&
      have.createdAt === r.createdAt &&
      have.deletedAt === r.deletedAt &&
      have.collectedAt === r.collectedAt;
    if (!same) return `artifact '${r.path}' differs`;
  }
  return null;
}
