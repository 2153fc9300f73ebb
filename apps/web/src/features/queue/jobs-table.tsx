import { useState } from "react";
import { Link, paths } from "../../app/router.js";
import { ago, canCancel, canRequeue, commandText } from "./job-format.js";
import { JOBS_PAGE_SIZE, type JobRow, useQueueActions } from "./use-queue.js";

/** Jobs of one state tab with cancel, requeue and priority controls. */
export function JobsTable({ jobs, now, hasMore }: { jobs: readonly JobRow[]; now: number; hasMore: boolean }) {
  const actions = useQueueActions();
  const failures = [actions.cancel, actions.requeue, actions.setPriority].filter((m) => m.isError);
  if (jobs.length === 0) return <p className="muted">No jobs here.</p>;
  return (
    <>
      {failures.map((m) => (
        <p key={String(m.submittedAt)} className="error" role="alert">
          {m.error?.message}
        </p>
      ))}
      <table className="plain jobs" aria-label="jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Run</th>
            <th>Queue</th>
            <th>State</th>
            <th className="num">Priority</th>
            <th>Needs</th>
            <th className="num">Attempts</th>
            <th>Command</th>
            <th>Updated</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-job-id={job.id} data-state={job.state}>
              <td>
                <code title={job.id}>{job.id.slice(0, 8)}</code>
              </td>
              <td>
                <Link href={paths.run(job.runId)}>{job.runId.slice(0, 8)}</Link>{" "}
                <span className="muted">{job.project}</span>
              </td>
              <td>{job.queue}</td>
              <td>
                <span className={`job-state job-state-${job.state}`}>{job.state}</span>
                {job.cancelRequested && job.state !== "cancelled" && <span className="muted"> (cancelling)</span>}
                {job.error && <div className="muted job-error">{job.error}</div>}
              </td>
              <td className="num">{job.state === "queued" ? <PriorityEditor job={job} /> : job.priority}</td>
              <td>
                {job.resources.gpus > 0
                  ? `${job.resources.gpus} GPU${job.resources.gpus > 1 ? "s" : ""}`
                  : `${job.resources.cpus} CPU`}
                {job.gpuIndices.length > 0 && <span className="muted"> → {job.gpuIndices.join(",")}</span>}
              </td>
              <td className="num">
                {job.attempts}/{job.maxAttempts}
              </td>
              <td className="command">
                <code>{commandText(job.command)}</code>
              </td>
              <td title={new Date(job.updatedAt).toLocaleString()}>{ago(job.updatedAt, now)}</td>
              <td className="actions">
                {canCancel(job.state) && !job.cancelRequested && (
                  <button
                    type="button"
                    onClick={() => actions.cancel.mutate(job.id)}
                    disabled={actions.cancel.isPending}
                  >
                    Cancel
                  </button>
                )}
                {canRequeue(job.state) && (
                  <button
                    type="button"
                    onClick={() => actions.requeue.mutate(job.id)}
                    disabled={actions.requeue.isPending}
                  >
                    Requeue
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasMore && <p className="muted">Showing the {JOBS_PAGE_SIZE} newest; use `looplab queue ls` for all.</p>}
    </>
  );
}

function PriorityEditor({ job }: { job: JobRow }) {
  const { setPriority } = useQueueActions();
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <button type="button" className="ghost" title="Change priority" onClick={() => setDraft(String(job.priority))}>
        {job.priority}
      </button>
    );
  }
  const value = Number(draft);
  const valid = draft.trim() !== "" && Number.isInteger(value) && Math.abs(value) <= 1_000_000;
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) setPriority.mutate({ jobId: job.id, priority: value }, { onSuccess: () => setDraft(null) });
      }}
    >
      <input
        aria-label={`priority of job ${job.id.slice(0, 8)}`}
        inputMode="numeric"
        size={5}
        value={draft}
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => event.key === "Escape" && setDraft(null)}
      />
      <button type="submit" disabled={!valid || setPriority.isPending}>
        Set
      </button>
    </form>
  );
}
