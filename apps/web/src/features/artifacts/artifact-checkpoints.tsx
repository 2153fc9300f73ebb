import { formatTime } from "../run/run-format.js";
import { formatBytes, formatMetrics } from "./artifact-tree.js";
import type { CheckpointList, CheckpointRow } from "./use-artifacts.js";

type Policy = NonNullable<CheckpointList["policy"]>;

function describePolicy(policy: Policy): string {
  const parts = [`keep the last ${policy.keepLast}`];
  if (policy.keepBest > 0 && policy.metric)
    parts.push(`the best ${policy.keepBest} by ${policy.metric} (${policy.direction})`);
  return `${parts.join(" and ")} (${policy.scope} policy)`;
}

/** Kept or collected, and why, from the checkpoint's state, `retainedBy` and the policy in force. */
export function retentionLabel(
  checkpoint: Pick<CheckpointRow, "state" | "retainedBy">,
  policy: Policy | null,
): {
  text: string;
  title: string;
} {
  if (checkpoint.state === "collected")
    return {
      text: "collected",
      title: policy ? `collected by retention: ${describePolicy(policy)}` : "collected by retention",
    };
  if (checkpoint.state === "deleted") return { text: "deleted", title: "soft-deleted (restorable)" };
  if (!policy) return { text: "kept", title: "no retention policy: every checkpoint is kept" };
  const why = checkpoint.retainedBy.map((r) => (r === "best" ? `best by ${policy.metric ?? "metric"}` : "last"));
  return {
    text: why.length > 0 ? `kept (${why.join(", ")})` : "kept",
    title: describePolicy(policy),
  };
}

/** The live checkpoint with the largest step, as `GET …/checkpoints/latest` would answer. */
export function latestStep(checkpoints: readonly CheckpointRow[]): number | null {
  let latest: number | null = null;
  for (const c of checkpoints) if (c.state === "live" && (latest === null || c.step > latest)) latest = c.step;
  return latest;
}

export function CheckpointsTable({ list }: { list: CheckpointList }) {
  const latest = latestStep(list.checkpoints);
  return (
    <>
      {list.policy ? <p className="muted">Retention: {describePolicy(list.policy)}.</p> : null}
      <table className="plain" aria-label="checkpoints">
        <thead>
          <tr>
            <th>Step</th>
            <th>Metrics</th>
            <th>Path</th>
            <th className="num">Size</th>
            <th>Retention</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {list.checkpoints.map((c) => {
            const retention = retentionLabel(c, list.policy);
            return (
              <tr
                key={c.step}
                data-step={c.step}
                className={c.state === "collected" ? "checkpoint-collected" : undefined}
              >
                <td className="checkpoint-step">
                  {c.step}
                  {c.step === latest ? <span className="latest-badge">latest</span> : null}
                </td>
                <td>{formatMetrics(c.metrics) || <span className="muted">–</span>}</td>
                <td>
                  <code title={c.files.map((f) => f.path).join("\n")}>{c.path}</code>
                  {c.files.length > 1 ? <span className="muted"> ({c.files.length} files)</span> : null}
                </td>
                <td className="num">{formatBytes(c.size)}</td>
                <td className={`retention retention-${c.state}`} title={retention.title}>
                  {retention.text}
                </td>
                <td className="muted nowrap">{formatTime(c.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}
