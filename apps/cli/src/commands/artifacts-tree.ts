import type { Artifact } from "@looplab/core";
import { formatBytes } from "@looplab/sdk";
import { renderTable } from "./output.js";

/** sha256 as shown in tables: its first 12 hex characters. */
export function shortDigest(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * A run's artifacts as a tree: each folder on its own line with the total size of the files
 * under it, each file indented under its folder with its size, type, digest, step and state.
 * `artifacts` must be ordered by path (as the API returns them).
 */
export function renderArtifactTree(artifacts: readonly Artifact[]): string {
  const folderBytes = new Map<string, number>();
  for (const a of artifacts) {
    const parts = a.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join("/")}/`;
      folderBytes.set(folder, (folderBytes.get(folder) ?? 0) + a.size);
    }
  }
  const rows: string[][] = [];
  const shown = new Set<string>();
  for (const a of artifacts) {
    const parts = a.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const folder = `${parts.slice(0, i).join("/")}/`;
      if (shown.has(folder)) continue;
      shown.add(folder);
      rows.push([`${"  ".repeat(i - 1)}${parts[i - 1]}/`, formatBytes(folderBytes.get(folder) ?? 0), "", "", "", ""]);
    }
    rows.push([
      `${"  ".repeat(parts.length - 1)}${parts[parts.length - 1]}`,
      formatBytes(a.size),
      a.type,
      shortDigest(a.sha256),
      a.step === null ? "" : String(a.step),
      a.state === "live" ? "" : a.state,
    ]);
  }
  return renderTable(["path", "size", "type", "sha256", "step", "state"], rows, ["left", "right"]);
}
