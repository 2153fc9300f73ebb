import { Link, paths } from "../app/router.js";
import { ModelVersionsTable } from "../features/registry/model-versions-table.js";
import { useModel, useVersionPages } from "../features/registry/use-registry.js";
import { formatTime } from "../features/run/run-format.js";

/** One registered model: its description, tags, aliases and versions (each linked to its run). */
export function ModelPage({ name }: { name: string }) {
  const model = useModel(name);
  const pages = useVersionPages(name);
  if (model.isPending) return <p className="muted">Loading model…</p>;
  if (model.isError)
    return (
      <p className="error">
        Could not load model {name}: {model.error.message}
      </p>
    );
  const m = model.data;
  const versions = pages.data?.pages.flatMap((p) => p.versions) ?? [];
  const tags = Object.entries(m.tags);
  return (
    <section>
      <p className="muted">
        <Link href={paths.models()}>Models</Link> /
      </p>
      <h1>{m.name}</h1>
      {m.description ? <p>{m.description}</p> : null}
      <p className="muted">
        {m.versionCount} versions · updated {formatTime(m.updatedAt)}
        {tags.length > 0 ? ` · ${tags.map(([k, v]) => (v ? `${k}=${v}` : k)).join(", ")}` : ""}
      </p>
      {pages.isError ? <p className="error">Could not load versions: {pages.error.message}</p> : null}
      {versions.length > 0 ? <ModelVersionsTable versions={versions} /> : null}
      {pages.isSuccess && versions.length === 0 ? <p className="muted">No versions yet.</p> : null}
      {pages.hasNextPage ? (
        <button type="button" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
