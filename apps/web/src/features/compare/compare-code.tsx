import type { Run } from "@looplab/core";
import { useMemo } from "react";
import { useSearchParam } from "../../app/url-state.js";
import { DiffView } from "../../components/diff-view.js";
import { parseForgeRemote } from "../run/forge-link.js";
import { CommitLink } from "../run/run-overview.js";
import { CompareRunLabel } from "./compare-run-label.js";
import { CompareSnapshots } from "./compare-snapshots.js";
import { diffLines, splitLines, toUnifiedLines } from "./line-diff.js";

/**
 * The code behind the runs: commits side by side (linked where the remote is a known forge),
 * then a line diff of two runs' captured uncommitted diffs (reference vs `?diff=<runId>`) and,
 * where both stored one, of their code snapshots (`CompareSnapshots`).
 */
export function CompareCode({ runs, refIndex }: { runs: readonly Run[]; refIndex: number }) {
  const [other, setOther] = useSearchParam("diff");
  const ref = runs[refIndex] as Run;
  const candidates = runs.filter((_, i) => i !== refIndex);
  const b = candidates.find((r) => r.id === other) ?? candidates[0];
  const diff = useMemo(() => {
    if (!b) return null;
    const result = diffLines(splitLines(ref.git?.diff), splitLines(b.git?.diff));
    return { ...result, lines: toUnifiedLines(result.ops) };
  }, [ref, b]);
  const sameCommit = b !== undefined && ref.git?.commit != null && ref.git.commit === b.git?.commit;

  return (
    <div className="compare-section">
      <div className="compare-section-head">
        <h2>Code</h2>
      </div>
      <div className="compare-scroll">
        <table className="plain compare-table" aria-label="commits">
          <thead>
            <tr>
              <th>Run</th>
              <th>Commit</th>
              <th>Branch</th>
              <th>Repository</th>
              <th>Working tree</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => {
              const repo = parseForgeRemote(r.git?.remote);
              return (
                <tr key={r.id}>
                  <td>
                    <CompareRunLabel run={r} index={i} isRef={i === refIndex} />
                  </td>
                  <td>{r.git ? <CommitLink git={r.git} /> : <span className="muted">–</span>}</td>
                  <td>{r.git?.branch ?? "–"}</td>
                  <td>
                    {repo ? (
                      <a href={repo.url} target="_blank" rel="noopener noreferrer">
                        {repo.name}
                      </a>
                    ) : (
                      (r.git?.remote ?? "–")
                    )}
                  </td>
                  <td>
                    {r.git
                      ? r.git.dirty
                        ? `dirty${r.git.diff ? ` (${splitLines(r.git.diff).length} diff lines)` : ""}`
                        : "clean"
                      : "–"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {b && diff ? (
        <>
          <div className="compare-section-head">
            <h3>Uncommitted changes: reference vs</h3>
            <select aria-label="compare diff with" value={b.id} onChange={(e) => setOther(e.target.value)}>
              {candidates.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name || r.id}
                </option>
              ))}
            </select>
            {!sameCommit && ref.git?.commit && b.git?.commit ? (
              <span className="muted">different commits: the committed code differs too</span>
            ) : null}
          </div>
          {!ref.git?.diff && !b.git?.diff ? (
            <p className="muted">Neither run captured uncommitted changes.</p>
          ) : (
            <>
              <p className="muted">
                Lines of the captured <code>git diff</code>:{" "}
                <span className="diff-del">− only in {ref.name || "reference"}</span>{" "}
                <span className="diff-add">+ only in {b.name || b.id}</span>
                {diff.coarse ? " · too many differences for a line-by-line match: shown as replaced" : ""}
              </p>
              <DiffView lines={diff.lines} label="diff of uncommitted changes" />
            </>
          )}
          <CompareSnapshots key={`${ref.id}:${b.id}`} a={ref} b={b} />
        </>
      ) : null}
    </div>
  );
}
