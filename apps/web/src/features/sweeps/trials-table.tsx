import { Link, paths } from "../../app/router.js";
import { formatParam } from "./sweep-model.js";
import type { SweepTrialRow } from "./use-sweeps.js";

function formatValue(value: SweepTrialRow["value"]): string {
  if (value === null) return "";
  if (typeof value === "string") return value;
  return String(Number(value.toPrecision(6)));
}

/** Trials in order of proposal: number, sampled values, run status, objective value, run link. */
export function TrialsTable({ trials, keys }: { trials: readonly SweepTrialRow[]; keys: readonly string[] }) {
  return (
    <table className="sweep-trials">
      <thead>
        <tr>
          <th>#</th>
          {keys.map((k) => (
            <th key={k}>{k}</th>
          ))}
          <th>status</th>
          <th>value</th>
          <th>step</th>
          <th>run</th>
        </tr>
      </thead>
      <tbody>
        {trials.map((t) => (
          <tr key={t.number}>
            <td>{t.number}</td>
            {keys.map((k) => (
              <td key={k}>{k in t.params ? formatParam(t.params[k]) : ""}</td>
            ))}
            <td>
              <span className={`status status-${t.status}`}>{t.status}</span>
            </td>
            <td>{formatValue(t.value)}</td>
            <td>{t.step ?? ""}</td>
            <td>
              <Link href={paths.run(t.runId)}>{t.runId.slice(0, 8)}</Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
