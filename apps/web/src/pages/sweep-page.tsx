import { useMemo } from "react";
import { Link, paths } from "../app/router.js";
import { ParallelCoords } from "../features/parallel-coords/parallel-coords.js";
import { BestSoFarChart } from "../features/sweeps/best-so-far-chart.js";
import { formatParam, trialRows } from "../features/sweeps/sweep-model.js";
import { TrialsTable } from "../features/sweeps/trials-table.js";
import { useCancelSweep, useSweep, useSweepTrials } from "../features/sweeps/use-sweeps.js";
import "../features/sweeps/sweeps.css";

/** One sweep: progress, best trial, best-so-far curve, parallel coordinates and the trials. */
export function SweepPage({ sweepId }: { sweepId: string }) {
  const sweep = useSweep(sweepId);
  const trials = useSweepTrials(sweepId, sweep.data?.state === "running");
  const cancel = useCancelSweep(sweepId);
  const s = sweep.data;
  const keys = useMemo(() => (s ? Object.keys(s.spec.space) : []), [s]);
  const metric = s?.spec.objective.metric ?? "";
  const rows = useMemo(() => trialRows(trials.data ?? [], metric), [trials.data, metric]);
  const axes = useMemo(() => [...keys, metric], [keys, metric]);

  if (sweep.isPending) return <p className="muted">Loading sweep…</p>;
  if (sweep.isError) return <p className="error">Could not load the sweep: {sweep.error.message}</p>;
  if (!s) return null;
  const active = s.counts.queued + s.counts.running;
  return (
    <section className="sweep-page">
      <h1>
        Sweep {s.name} <span className={`status status-${s.state}`}>{s.state}</span>
      </h1>
      <p className="muted">
        <Link href={paths.project(s.project)}>{s.project}</Link> · {s.spec.method} search · objective{" "}
        {s.spec.objective.metric} ({s.spec.objective.goal}){s.reason ? ` · ${s.reason}` : ""}
      </p>
      <dl className="sweep-summary">
        <div>
          <dt>trials</dt>
          <dd>
            {s.trials - active} done / {s.spec.budget.runs}
          </dd>
        </div>
        <div>
          <dt>active</dt>
          <dd>{active}</dd>
        </div>
        {(["failed", "pruned", "killed"] as const).map((k) =>
          s.counts[k] > 0 ? (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{s.counts[k]}</dd>
            </div>
          ) : null,
        )}
        <div>
          <dt>best</dt>
          <dd>
            {s.best ? (
              <>
                <Link href={paths.run(s.best.runId)}>#{s.best.number}</Link> {metric} = {formatParam(s.best.value)} (
                {Object.entries(s.best.params)
                  .map(([k, v]) => `${k}=${formatParam(v)}`)
                  .join(", ")}
                )
              </>
            ) : (
              "none yet"
            )}
          </dd>
        </div>
      </dl>
      {s.state === "running" ? (
        <button type="button" onClick={() => cancel.mutate()} disabled={cancel.isPending}>
          Cancel sweep
        </button>
      ) : null}
      {cancel.isError && <p className="error">Could not cancel: {cancel.error.message}</p>}

      <h2>Best so far</h2>
      <BestSoFarChart trials={trials.data ?? []} goal={s.spec.objective.goal} metric={metric} />
      <h2>Trials in parallel coordinates</h2>
      {rows.length > 0 ? (
        <ParallelCoords rows={rows} keys={axes} colorKey={metric} />
      ) : (
        <p className="muted">No trials yet.</p>
      )}
      <h2>Trials</h2>
      {trials.isError && <p className="error">Could not load trials: {trials.error.message}</p>}
      <TrialsTable trials={trials.data ?? []} keys={keys} />
    </section>
  );
}
