import { useEffect, useState } from "react";
import { navigate, paths, useLocationHref } from "../app/router.js";
import { AgentsPanel } from "../features/queue/agents-panel.js";
import { isJobTab, type JobTabId, jobTabs } from "../features/queue/job-format.js";
import { JobsTable } from "../features/queue/jobs-table.js";
import { QueuesSummary } from "../features/queue/queues-summary.js";
import { JOBS_PAGE_SIZE, useAgents, useJobs, useQueues } from "../features/queue/use-queue.js";
import "../features/queue/queue.css";

/** Queues, agents with their GPUs, and jobs by state; `?queue=` and `?tab=` keep the view in the URL. */
export function QueuePage() {
  const href = useLocationHref();
  const search = new URL(href, "http://x").searchParams;
  const queue = search.get("queue") ?? undefined;
  const tabParam = search.get("tab");
  const tab: JobTabId = isJobTab(tabParam) ? tabParam : "active";
  const [showOffline, setShowOffline] = useState(false);
  const now = useNow(1_000);

  const queues = useQueues();
  const agents = useAgents(showOffline);
  const states = jobTabs.find((t) => t.id === tab)?.states ?? ["queued"];
  const jobs = useJobs({ queue, states });

  const setView = (next: { queue?: string | undefined; tab?: JobTabId }) => {
    const params = new URLSearchParams();
    const q = "queue" in next ? next.queue : queue;
    if (q) params.set("queue", q);
    params.set("tab", next.tab ?? tab);
    navigate(paths.queue(`?${params}`), { replace: true });
  };

  return (
    <section className="queue-page">
      <h1>Queue{queue ? `: ${queue}` : ""}</h1>
      <h2>Queues</h2>
      {queues.isPending && <p className="muted">Loading queues…</p>}
      {queues.isError && <p className="error">Could not load queues: {queues.error.message}</p>}
      {queues.data && (
        <QueuesSummary queues={queues.data.queues} selected={queue} onSelect={(q) => setView({ queue: q })} />
      )}

      <h2>
        Agents{" "}
        <label className="muted">
          <input type="checkbox" checked={showOffline} onChange={(e) => setShowOffline(e.target.checked)} /> show
          offline
        </label>
      </h2>
      {agents.isError && <p className="error">Could not load agents: {agents.error.message}</p>}
      {agents.data && <AgentsPanel agents={agents.data.agents} now={now} />}

      <h2>Jobs</h2>
      <div className="queue-tabs" role="tablist">
        {jobTabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === tab}
            onClick={() => setView({ tab: t.id })}
          >
            {t.label}
            {queues.data && ` (${countFor(queues.data.queues, queue, t.states)})`}
          </button>
        ))}
      </div>
      {jobs.isPending && <p className="muted">Loading jobs…</p>}
      {jobs.isError && <p className="error">Could not load jobs: {jobs.error.message}</p>}
      {jobs.data && (
        <JobsTable
          jobs={jobs.data.jobs}
          now={now}
          hasMore={jobs.data.nextPageToken !== null && jobs.data.jobs.length >= JOBS_PAGE_SIZE}
        />
      )}
    </section>
  );
}

function countFor(
  queues: readonly { name: string; counts: Partial<Record<string, number>> }[],
  queue: string | undefined,
  states: readonly string[],
): number {
  let total = 0;
  for (const q of queues) {
    if (queue && q.name !== queue) continue;
    for (const state of states) total += q.counts[state] ?? 0;
  }
  return total;
}

/** The current time, ticking, for "5 s ago" labels. */
function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
