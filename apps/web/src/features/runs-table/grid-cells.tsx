import type { Run } from "@looplab/core";
import { Link, paths } from "../../app/router.js";
import { formatDuration, formatNumber, formatTime, formatValue } from "./cell-format.js";
import { type ColumnSpec, cellValue, type Goals } from "./column-model.js";

/** What one cell of a run row shows, by column kind. */
export function RunCell({ run, spec, goals, now }: { run: Run; spec: ColumnSpec; goals: Goals; now: number }) {
  const value = cellValue(run, spec, goals, now);
  if (spec.kind === "tags") return <TagList tags={run.tags} />;
  const field = spec.field;
  if (field?.kind === "attribute") {
    switch (field.name) {
      case "name":
        return (
          <Link href={paths.run(run.id)} className="rt-name" tabIndex={-1} title={run.name || run.id}>
            {run.name || run.id.slice(0, 8)}
          </Link>
        );
      case "status":
        return <span className={`rt-status rt-status-${run.status}`}>{run.status}</span>;
      case "duration":
        return <>{formatDuration(value as number | null)}</>;
      case "createdAt":
      case "startedAt":
      case "endedAt":
      case "updatedAt":
        return <>{formatTime(value)}</>;
      default:
        return <>{formatValue(value)}</>;
    }
  }
  if (spec.kind === "metric") return <>{formatNumber(value)}</>;
  const text = formatValue(value);
  return <span title={text}>{text}</span>;
}

export function TagList({ tags }: { tags: Record<string, string> }) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return null;
  const title = entries.map(([k, v]) => (v === "" ? k : `${k}=${v}`)).join(", ");
  return (
    <span className="rt-tags" title={title}>
      {entries.map(([k, v]) => (
        <span key={k} className="rt-tag">
          {v === "" ? k : `${k}:${v}`}
        </span>
      ))}
    </span>
  );
}
