import { ArtifactCheckpoints } from "./artifact-checkpoints-section.js";
import { ArtifactFileTree, StorageLine } from "./artifact-files.js";
import { ArtifactLineage } from "./artifact-lineage.js";
import { useArtifactPages, useRunLineage, useRunStorage } from "./use-artifacts.js";
import "./artifacts.css";

function Failed({ what, error }: { what: string; error: Error }) {
  return (
    <p className="error">
      Could not load {what}: {error.message}
    </p>
  );
}

function EmptyArtifacts() {
  return (
    <div className="artifacts-empty">
      <p>
        <strong>No artifacts yet</strong> — <code>run.saveArtifact(…)</code> or <code>looplab artifacts put</code>.
      </p>
      <p className="muted">
        Checkpoints (<code>run.saveCheckpoint(dir, {"{ step, metrics }"})</code>), models, datasets and other files a
        run saves appear here, with their lineage.
      </p>
    </div>
  );
}

/** The run page's Artifacts tab: storage, the file tree, checkpoints and lineage (docs/dashboard.md). */
export function ArtifactsTab({ runId, live, pageSize }: { runId: string; live: boolean; pageSize?: number }) {
  const pages = useArtifactPages(runId, live, pageSize);
  const storage = useRunStorage(runId, live);
  const lineage = useRunLineage(runId, live);

  const first = pages.data?.pages[0];
  const artifacts = pages.data?.pages.flatMap((p) => p.artifacts) ?? [];
  const noFiles = first !== undefined && first.totalCount === 0;
  const usedNothing = lineage.data !== undefined && lineage.data.used.length === 0;

  return (
    <div className="artifacts-tab">
      <section className="run-section" aria-label="files">
        <h2>Files</h2>
        {storage.isError ? <Failed what="storage use" error={storage.error} /> : null}
        {storage.data && !noFiles ? <StorageLine usage={storage.data} /> : null}
        {pages.isPending ? <p className="muted">Loading artifacts…</p> : null}
        {pages.isError ? <Failed what="artifacts" error={pages.error} /> : null}
        {noFiles ? <EmptyArtifacts /> : null}
        {first && !noFiles ? (
          <>
            <ArtifactFileTree runId={runId} artifacts={artifacts} />
            <p className="muted artifacts-paging">
              {artifacts.length < first.totalCount
                ? `Showing ${artifacts.length} of ${first.totalCount} files. `
                : `${first.totalCount} ${first.totalCount === 1 ? "file" : "files"}.`}
              {pages.hasNextPage ? (
                <button type="button" disabled={pages.isFetchingNextPage} onClick={() => void pages.fetchNextPage()}>
                  {pages.isFetchingNextPage ? "Loading…" : "Load more"}
                </button>
              ) : null}
            </p>
          </>
        ) : null}
      </section>
      <section className="run-section" aria-label="checkpoints">
        <h2>Checkpoints</h2>
        <ArtifactCheckpoints runId={runId} live={live} />
      </section>
      {noFiles && usedNothing ? null : (
        <section className="run-section" aria-label="lineage">
          <h2>Lineage</h2>
          {lineage.isPending ? <p className="muted">Loading lineage…</p> : null}
          {lineage.isError ? <Failed what="lineage" error={lineage.error} /> : null}
          {lineage.data ? <ArtifactLineage lineage={lineage.data} /> : null}
        </section>
      )}
    </div>
  );
}
