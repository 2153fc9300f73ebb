import type { Run } from "@looplab/core";
import { useMemo } from "react";
import { useSearchParam } from "../../app/url-state.js";
import { formatConfigValue } from "../run/config-tree.js";
import { CompareRunLabel } from "./compare-run-label.js";
import { configDiff } from "./config-diff.js";

/** Config side by side: only the paths whose values differ (`?config=all` shows every path). */
export function CompareConfig({ runs, refIndex }: { runs: readonly Run[]; refIndex: number }) {
  const [mode, setMode] = useSearchParam("config");
  const all = mode === "all";
  const rows = useMemo(
    () =>
      configDiff(
        runs.map((r) => r.config),
        all,
      ),
    [runs, all],
  );
  const differing = all ? rows.filter((r) => r.differs).length : rows.length;
  return (
    <div className="compare-section">
      <div className="compare-section-head">
        <h2>Config</h2>
        <span className="muted">{differing === 1 ? "1 key differs" : `${differing} keys differ`}</span>
        <label>
          <input type="checkbox" checked={all} onChange={(e) => setMode(e.target.checked ? "all" : null)} /> Show all
          keys
        </label>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{all ? "These runs have no config." : "The configs are identical."}</p>
      ) : (
        <div className="compare-scroll">
          <table className="plain compare-table" aria-label="config diff">
            <thead>
              <tr>
                <th>Key</th>
                {runs.map((r, i) => (
                  <th key={r.id}>
                    <CompareRunLabel run={r} index={i} isRef={i === refIndex} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.path} className={row.differs ? "differs" : undefined}>
                  <th>
                    <code>{row.path}</code>
                  </th>
                  {row.values.map((v, i) => (
                    <td key={runs[i]?.id ?? i} className={v === undefined ? "muted" : undefined}>
                      <code>{formatConfigValue(v)}</code>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
