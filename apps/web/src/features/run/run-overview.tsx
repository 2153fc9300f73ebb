import type { GitInfo, Run } from "@looplab/core";
import { Link, paths } from "../../app/router.js";
import { DiffView, parseUnifiedDiff } from "../../components/diff-view.js";
import { branchUrl, commitUrl, parseForgeRemote } from "./forge-link.js";
import { formatDuration, formatTime, runDurationMs } from "./run-format.js";
import { StatusBadge } from "./status-badge.js";

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <tr>
      <th>{label}</th>
      <td>{children}</td>
    </tr>
  );
}

/** Status, timing, host and command of a run. */
export function RunSummary({ run, now }: { run: Run; now: number }) {
  const duration = runDurationMs(run, now);
  return (
    <table className="plain kv">
      <tbody>
        <Row label="Status">
          <StatusBadge status={run.status} />
        </Row>
        <Row label="Project">
          <Link href={paths.project(run.project)}>{run.project}</Link>
        </Row>
        {run.group ? <Row label="Group">{run.group}</Row> : null}
        <Row label="Duration">{duration === null ? "–" : formatDuration(duration)}</Row>
        <Row label="Started">{formatTime(run.startedAt)}</Row>
        <Row label="Ended">{formatTime(run.endedAt)}</Row>
        {run.heartbeatAt !== null && run.status === "running" ? (
          <Row label="Last heartbeat">{formatTime(run.heartbeatAt)}</Row>
        ) : null}
        <Row label="Host">{run.host ?? "–"}</Row>
        <Row label="Command">{run.command ? <code className="wrap">{run.command}</code> : "–"}</Row>
        <Row label="Origin">{run.origin}</Row>
        {run.parentRunId ? (
          <Row label="Parent run">
            <Link href={paths.run(run.parentRunId)}>{run.parentRunId}</Link>
          </Row>
        ) : null}
        {run.resumedFrom ? (
          <Row label="Resumed from">
            <Link href={paths.run(run.resumedFrom)}>{run.resumedFrom}</Link>
          </Row>
        ) : null}
        <Row label="Run id">
          <code>{run.id}</code>
        </Row>
      </tbody>
    </table>
  );
}

/** A commit as a short hash, linked to the forge when the remote is a known one. */
export function CommitLink({ git }: { git: GitInfo }) {
  if (!git.commit) return <span className="muted">no commit</span>;
  const repo = parseForgeRemote(git.remote);
  const href = repo ? commitUrl(repo, git.commit) : null;
  const short = <code title={git.commit}>{git.commit.slice(0, 10)}</code>;
  return href ? (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {short}
    </a>
  ) : (
    short
  );
}

/** Commit, branch and remote (linked on GitHub, GitLab and Bitbucket) and the uncommitted diff. */
export function RunGit({ git }: { git: GitInfo | null }) {
  if (!git) return <p className="muted">No git information was captured for this run.</p>;
  const repo = parseForgeRemote(git.remote);
  return (
    <>
      <table className="plain kv">
        <tbody>
          <Row label="Commit">
            <CommitLink git={git} />
            {git.dirty ? <span className="chip warn">uncommitted changes</span> : null}
          </Row>
          <Row label="Branch">
            {git.branch ? (
              repo ? (
                <a href={branchUrl(repo, git.branch)} target="_blank" rel="noopener noreferrer">
                  {git.branch}
                </a>
              ) : (
                git.branch
              )
            ) : (
              "–"
            )}
          </Row>
          <Row label="Remote">
            {repo ? (
              <a href={repo.url} target="_blank" rel="noopener noreferrer">
                {repo.forge}: {repo.name}
              </a>
            ) : (
              (git.remote ?? "–")
            )}
          </Row>
        </tbody>
      </table>
      {git.diff ? (
        <details className="run-diff" open={git.diff.length < 20_000}>
          <summary>Uncommitted diff ({git.diff.split("\n").length.toLocaleString("en-US")} lines)</summary>
          <DiffView lines={parseUnifiedDiff(git.diff)} label="uncommitted diff" />
        </details>
      ) : git.dirty ? (
        <p className="muted">The working tree was dirty but no diff was captured.</p>
      ) : null}
    </>
  );
}

/** The machine and process a run ran in. */
export function RunEnvironment({ environment }: { environment: Run["environment"] }) {
  if (!environment) return <p className="muted">No environment was captured for this run.</p>;
  const { vars, ...rest } = environment;
  const entries = Object.entries(rest).filter(([, v]) => v !== undefined);
  return (
    <>
      <table className="plain kv">
        <tbody>
          {entries.map(([k, v]) => (
            <Row key={k} label={k}>
              {typeof v === "string" ? v : <code className="wrap">{JSON.stringify(v)}</code>}
            </Row>
          ))}
        </tbody>
      </table>
      {vars && Object.keys(vars).length > 0 ? (
        <details>
          <summary>Environment variables ({Object.keys(vars).length})</summary>
          <table className="plain kv">
            <tbody>
              {Object.entries(vars)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([k, v]) => (
                  <Row key={k} label={k}>
                    <code className="wrap">{v}</code>
                  </Row>
                ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </>
  );
}
