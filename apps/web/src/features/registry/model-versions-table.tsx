import { Link, paths } from "../../app/router.js";
import "./registry.css";
import { formatTime } from "../run/run-format.js";
import type { VersionRow } from "./use-registry.js";

function formatMetric(value: number | null): string {
  if (value === null) return "–";
  return Math.abs(value) >= 1000 || value === Math.trunc(value) ? String(value) : value.toPrecision(4);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

/** A model's versions: stage, aliases, the run (one click to its page), the run's metrics at registration. */
export function ModelVersionsTable({ versions }: { versions: VersionRow[] }) {
  const metricKeys = [...new Set(versions.flatMap((v) => Object.keys(v.metrics)))].sort().slice(0, 6);
  return (
    <table className="plain" aria-label="model versions">
      <thead>
        <tr>
          <th>Version</th>
          <th>Stage</th>
          <th>Aliases</th>
          <th>Run</th>
          <th>Artifact</th>
          {metricKeys.map((k) => (
            <th key={k} className="num">
              {k}
            </th>
          ))}
          <th>Registered</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version} data-version={v.version}>
            <td>v{v.version}</td>
            <td>
              <span className={`stage stage-${v.stage.toLowerCase()}`}>{v.stage}</span>
            </td>
            <td>
              {v.aliases.map((a) => (
                <span key={a} className="alias">
                  @{a}
                </span>
              ))}
            </td>
            <td>
              {v.project === null ? (
                <span className="muted" title="the run was purged; the version's bytes are kept">
                  {v.runId.slice(0, 8)} (purged)
                </span>
              ) : (
                <Link href={paths.run(v.runId)} title={v.runId}>
                  {v.runId.slice(0, 8)}
                </Link>
              )}
            </td>
            <td>
              <code title={v.sha256 ?? `${v.fileCount} files`}>{v.path || "(all files)"}</code>{" "}
              <span className="muted">{formatSize(v.size)}</span>
            </td>
            {metricKeys.map((k) => (
              <td key={k} className="num">
                {k in v.metrics ? formatMetric(v.metrics[k] ?? null) : ""}
              </td>
            ))}
            <td>{formatTime(v.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
