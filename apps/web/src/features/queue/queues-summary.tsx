import { jobStates } from "@looplab/core";
import { useState } from "react";
import { type QueueRow, useQueueActions } from "./use-queue.js";

/** One row per queue: job counts by state and the concurrency limit, editable in place. */
export function QueuesSummary({
  queues,
  selected,
  onSelect,
}: {
  queues: readonly QueueRow[];
  selected: string | undefined;
  onSelect: (queue: string | undefined) => void;
}) {
  if (queues.length === 0) return <p className="muted">No queues yet: queue a job with `looplab run -- …`.</p>;
  return (
    <table className="plain queue-summary" aria-label="queues">
      <thead>
        <tr>
          <th>Queue</th>
          {jobStates.map((state) => (
            <th key={state} className="num">
              {state}
            </th>
          ))}
          <th>Concurrency limit</th>
        </tr>
      </thead>
      <tbody>
        {queues.map((q) => (
          <tr key={q.name} aria-selected={selected === q.name}>
            <td>
              <button
                type="button"
                className="ghost link-button"
                onClick={() => onSelect(selected === q.name ? undefined : q.name)}
                title={selected === q.name ? "Show every queue" : `Show only jobs of ${q.name}`}
              >
                {q.name}
              </button>
            </td>
            {jobStates.map((state) => (
              <td key={state} className="num">
                {q.counts[state] ?? 0}
              </td>
            ))}
            <td>
              <LimitEditor queue={q.name} limit={q.concurrencyLimit} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LimitEditor({ queue, limit }: { queue: string; limit: number | null }) {
  const { setLimit } = useQueueActions();
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <button type="button" className="ghost" onClick={() => setDraft(limit === null ? "" : String(limit))}>
        {limit === null ? "none" : limit}
      </button>
    );
  }
  const parsed = draft.trim() === "" ? null : Number(draft);
  const valid = parsed === null || (Number.isInteger(parsed) && parsed >= 1);
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!valid) return;
        setLimit.mutate({ queue, limit: parsed }, { onSuccess: () => setDraft(null) });
      }}
    >
      <input
        aria-label={`concurrency limit of ${queue}`}
        inputMode="numeric"
        size={5}
        value={draft}
        placeholder="none"
        onChange={(event) => setDraft(event.target.value)}
        onKeyDown={(event) => event.key === "Escape" && setDraft(null)}
      />
      <button type="submit" disabled={!valid || setLimit.isPending}>
        Set
      </button>
      {!valid && <span className="error"> a whole number ≥ 1, or empty for none</span>}
      {setLimit.isError && <span className="error"> {setLimit.error.message}</span>}
    </form>
  );
}
