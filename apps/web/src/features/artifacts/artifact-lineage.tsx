import { useState } from "react";
import { Link, paths } from "../../app/router.js";
import { formatBytes, shortSha } from "./artifact-tree.js";
import { type ProducedArtifact, type RunLineage, type UsedEdge, useBlobConsumers } from "./use-artifacts.js";

function RunLink({ runId, project }: { runId: string; project?: string | null }) {
  return (
    <Link href={paths.run(runId)} className="run-link" title={project ? `${project} / ${runId}` : runId}>
      {runId}
    </Link>
  );
}

/** The runs whose artifacts hold an edge's bytes (the one named when it was recorded first). */
function producerRuns(edge: UsedEdge): { runId: string; project: string | null; path: string }[] {
  const seen = new Set<string>();
  const out: { runId: string; project: string | null; path: string }[] = [];
  if (edge.source) {
    const named = edge.producers.find((p) => p.runId === edge.source?.runId);
    out.push({ runId: edge.source.runId, project: named?.project ?? null, path: edge.source.path });
    seen.add(edge.source.runId);
  }
  for (const p of edge.producers) {
    if (seen.has(p.runId)) continue;
    seen.add(p.runId);
    out.push({ runId: p.runId, project: p.project, path: p.path });
  }
  return out;
}

function UsedList({ used }: { used: readonly UsedEdge[] }) {
  if (used.length === 0) return <p className="muted">This run recorded no artifacts it used.</p>;
  return (
    <ul className="lineage-list" aria-label="used artifacts">
      {used.map((edge) => {
        const producers = producerRuns(edge);
        const label = producers[0]?.path ?? shortSha(edge.sha256);
        return (
          <li key={`${edge.sha256}:${edge.role ?? ""}`}>
            <code title={edge.sha256}>{label}</code>
            {edge.role ? <span className="muted"> as {edge.role}</span> : null}
            {edge.size !== null ? <span className="muted"> · {formatBytes(edge.size)}</span> : null}
            {producers.length > 0 ? (
              <span>
                {" "}
                · from{" "}
                {producers.map((p, i) => (
                  <span key={p.runId}>
                    {i > 0 ? ", " : null}
                    <RunLink runId={p.runId} project={p.project} />
                  </span>
                ))}
              </span>
            ) : (
              <span className="muted"> · producer unknown</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Consumers({ sha256, selfRunId }: { sha256: string; selfRunId: string }) {
  const consumers = useBlobConsumers(sha256, true);
  if (consumers.isPending) return <span className="muted"> loading…</span>;
  if (consumers.isError) return <span className="error"> {consumers.error.message}</span>;
  const runs = consumers.data.consumers.filter((c) => c.runId !== selfRunId);
  return (
    <ul className="consumer-list" aria-label={`runs that used ${sha256}`}>
      {runs.map((c) => (
        <li key={`${c.runId}:${c.role ?? ""}`}>
          <RunLink runId={c.runId} project={c.project} />
          {c.project ? <span className="muted"> in {c.project}</span> : null}
          {c.role ? <span className="muted"> as {c.role}</span> : null}
        </li>
      ))}
      {consumers.data.nextPageToken ? <li className="muted">… and more</li> : null}
    </ul>
  );
}

function ProducedItem({ artifact, runId }: { artifact: ProducedArtifact; runId: string }) {
  const [open, setOpen] = useState(false);
  const n = artifact.consumers;
  return (
    <li>
      <code title={artifact.sha256}>{artifact.path}</code> <span className="muted">{artifact.type}</span>
      {n > 0 ? (
        <>
          {" · "}
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            used by {n} {n === 1 ? "run" : "runs"}
          </button>
          {open ? <Consumers sha256={artifact.sha256} selfRunId={runId} /> : null}
        </>
      ) : (
        <span className="muted"> · not used by any run</span>
      )}
    </li>
  );
}

/** Lineage both ways: what the run used (linking to the runs that produced it) and who used what it produced. */
export function ArtifactLineage({ lineage }: { lineage: RunLineage }) {
  const produced = [...lineage.produced].sort((a, b) => b.consumers - a.consumers || a.path.localeCompare(b.path));
  return (
    <div className="run-columns">
      <div className="run-section">
        <h3>Used</h3>
        <UsedList used={lineage.used} />
      </div>
      <div className="run-section">
        <h3>Produced</h3>
        {produced.length === 0 ? (
          <p className="muted">This run produced no artifacts.</p>
        ) : (
          <ul className="lineage-list" aria-label="produced artifacts">
            {produced.map((a) => (
              <ProducedItem key={a.path} artifact={a} runId={lineage.runId} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
