import { useMemo, useState } from "react";
import { useApi } from "../../api/api-context.js";
import { formatTime } from "../run/run-format.js";
import {
  artifactContentUrl,
  buildArtifactTree,
  formatBytes,
  shortSha,
  type TreeFolder,
  visibleRows,
} from "./artifact-tree.js";
import type { ArtifactRow, StorageUsage } from "./use-artifacts.js";

/** "12 files · 1.20 GB logical · 800 MB stored (deduplicated) · 2.00 GB collected". */
export function StorageLine({ usage }: { usage: StorageUsage }) {
  const saved = usage.logicalBytes - usage.uniqueBytes;
  return (
    <p className="artifacts-storage" role="note" aria-label="storage">
      {usage.artifactCount} {usage.artifactCount === 1 ? "artifact" : "artifacts"} ·{" "}
      <span title={`${usage.logicalBytes} bytes`}>{formatBytes(usage.logicalBytes)} logical</span> ·{" "}
      <span title={`${usage.uniqueBytes} bytes`}>{formatBytes(usage.uniqueBytes)} stored</span>
      {saved > 0 ? <span className="muted"> ({formatBytes(saved)} saved by deduplication)</span> : null}
      {usage.collectedBytes > 0 ? (
        <span className="muted"> · {formatBytes(usage.collectedBytes)} collected by retention</span>
      ) : null}
    </p>
  );
}

/** The run's files as a collapsible tree, each with size, type, digest, time and a download link. */
export function ArtifactFileTree({ runId, artifacts }: { runId: string; artifacts: readonly ArtifactRow[] }) {
  const api = useApi();
  const tree: TreeFolder<ArtifactRow> = useMemo(() => buildArtifactTree(artifacts), [artifacts]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const rows = visibleRows(tree, collapsed);
  const toggle = (path: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(path)) next.delete(path);
      else next.add(path);
      return next;
    });
  return (
    <table className="plain artifact-tree" aria-label="artifact files">
      <thead>
        <tr>
          <th>Path</th>
          <th className="num">Size</th>
          <th>Type</th>
          <th>sha256</th>
          <th>Created</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map(({ node, depth }) => {
          const indent = { paddingLeft: `${10 + depth * 18}px` };
          if (node.kind === "folder") {
            const open = !collapsed.has(node.path);
            return (
              <tr key={`d:${node.path}`} className="artifact-folder">
                <td style={indent}>
                  <button
                    type="button"
                    className="ghost tree-toggle"
                    aria-expanded={open}
                    aria-label={`${open ? "collapse" : "expand"} ${node.path}`}
                    onClick={() => toggle(node.path)}
                  >
                    {open ? "▾" : "▸"} {node.name}/
                  </button>
                </td>
                <td className="num">{formatBytes(node.size)}</td>
                <td className="muted" colSpan={4}>
                  {node.fileCount} {node.fileCount === 1 ? "file" : "files"}
                </td>
              </tr>
            );
          }
          const a = node.item;
          return (
            <tr key={`f:${node.path}`} data-path={a.path}>
              <td style={indent}>
                <span className="artifact-name" title={a.path}>
                  {node.name}
                </span>
                {a.state !== "live" ? <span className="muted"> ({a.state})</span> : null}
              </td>
              <td className="num" title={`${a.size} bytes`}>
                {formatBytes(a.size)}
              </td>
              <td>
                <span className={`artifact-type type-${a.type}`}>{a.type}</span>
                {a.step !== null ? <span className="muted"> step {a.step}</span> : null}
              </td>
              <td>
                <code title={a.sha256}>{shortSha(a.sha256)}</code>
              </td>
              <td className="muted nowrap">{formatTime(a.createdAt)}</td>
              <td>
                {a.state === "live" ? (
                  <a
                    href={artifactContentUrl(api.baseUrl, runId, a.path)}
                    download={node.name}
                    aria-label={`download ${a.path}`}
                  >
                    Download
                  </a>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
