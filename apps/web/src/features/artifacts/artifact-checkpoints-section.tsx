import { CheckpointsTable } from "./artifact-checkpoints.js";
import { useCheckpoints } from "./use-artifacts.js";

/** Loads a run's checkpoints and shows them, or why not. */
export function ArtifactCheckpoints({ runId, live }: { runId: string; live: boolean }) {
  const checkpoints = useCheckpoints(runId, live);
  if (checkpoints.isPending) return <p className="muted">Loading checkpoints…</p>;
  if (checkpoints.isError) return <p className="error">Could not load checkpoints: {checkpoints.error.message}</p>;
  if (checkpoints.data.checkpoints.length === 0)
    return (
      <p className="muted">
        No checkpoints — <code>run.saveCheckpoint("ckpt/", {"{ step, metrics }"})</code> saves one.
      </p>
    );
  return <CheckpointsTable list={checkpoints.data} />;
}
