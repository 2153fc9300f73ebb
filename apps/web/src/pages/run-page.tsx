import { useEffect, useMemo, useState } from "react";
import { Link, paths } from "../app/router.js";
import { useSearchParam } from "../app/url-state.js";
import { ArtifactsTab } from "../features/artifacts/artifacts-tab.js";
import { ChartGrid } from "../features/charts/chart-grid.js";
import { LogsTab } from "../features/logs/logs-tab.js";
import { RunModelVersions } from "../features/registry/run-model-versions.js";
import { ConfigHistory, ConfigTree } from "../features/run/config-tree.js";
import { RunNotes } from "../features/run/run-notes.js";
import { RunEnvironment, RunGit, RunSummary } from "../features/run/run-overview.js";
import { RunTags } from "../features/run/run-tags.js";
import { StatusBadge } from "../features/run/status-badge.js";
import { useRun, useUpdateRun } from "../features/run/use-run.js";
import "../features/run/run.css";

const tabs = [
  { id: "overview", label: "Overview" },
  { id: "metrics", label: "Metrics" },
  { id: "config", label: "Config" },
  { id: "notes", label: "Notes" },
  { id: "artifacts", label: "Artifacts" },
  { id: "logs", label: "Logs" },
] as const;
type TabId = (typeof tabs)[number]["id"];

/** A clock that ticks while `active` (a running run's duration counts up). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** One run: overview (status, timing, host, command, git + diff, environment), metrics, config, notes, artifacts, tags. */
export function RunPage({ runId }: { runId: string }) {
  const run = useRun(runId);
  const update = useUpdateRun(runId);
  const [tabParam, setTab] = useSearchParam("tab");
  const tab: TabId = tabs.some((t) => t.id === tabParam) ? (tabParam as TabId) : "overview";
  const now = useNow(run.data?.status === "running");
  const chartRuns = useMemo(
    () =>
      run.data
        ? [{ id: run.data.id, name: run.data.name, status: run.data.status, startedAt: run.data.startedAt }]
        : [],
    [run.data],
  );

  if (run.isPending) return <p className="muted">Loading run…</p>;
  if (run.isError)
    return (
      <p className="error">
        Could not load run {runId}: {run.error.message}
      </p>
    );
  const r = run.data;
  return (
    <section>
      <div className="run-header">
        <h1>{r.name || r.id}</h1>
        <StatusBadge status={r.status} />
        <Link href={paths.project(r.project)} className="muted">
          {r.project}
        </Link>
        {r.deletedAt !== null ? <span className="error">deleted</span> : null}
      </div>
      <RunModelVersions runId={r.id} />
      <RunTags
        tags={r.tags}
        onAdd={(key, value) => update({ tags: { [key]: value } })}
        onRemove={(key) => update({ removeTags: [key] })}
      />
      <div className="tabs" role="tablist">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            onClick={() => setTab(t.id === "overview" ? null : t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {tab === "overview" ? (
        <div className="run-columns">
          <div>
            <h2>Run</h2>
            <RunSummary run={r} now={now} />
            <h2>Environment</h2>
            <RunEnvironment environment={r.environment} />
          </div>
          <div>
            <h2>Code</h2>
            <RunGit git={r.git} />
          </div>
        </div>
      ) : null}
      {tab === "metrics" ? <ChartGrid runs={chartRuns} project={r.project} /> : null}
      {tab === "config" ? (
        <div className="run-columns">
          <div className="run-section">
            <h2>Config</h2>
            <ConfigTree config={r.config} />
          </div>
          <div className="run-section">
            <h2>History</h2>
            <ConfigHistory runId={r.id} />
          </div>
        </div>
      ) : null}
      {tab === "notes" ? <RunNotes notes={r.notes} onSave={(notes) => update({ notes })} /> : null}
      {tab === "artifacts" ? <ArtifactsTab runId={r.id} live={r.status === "running"} /> : null}
      {tab === "logs" ? <LogsTab runId={r.id} project={r.project} live={r.status === "running"} /> : null}
    </section>
  );
}
