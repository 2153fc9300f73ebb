import { useState } from "react";
import { Link, paths } from "../app/router.js";
import "../features/registry/registry.css";
import { useModelPages } from "../features/registry/use-registry.js";
import { formatTime } from "../features/run/run-format.js";

/** The model registry: every registered model with its latest version, aliases and last update. */
export function RegistryPage() {
  const [q, setQ] = useState("");
  const pages = useModelPages(q.trim());
  const models = pages.data?.pages.flatMap((p) => p.models) ?? [];
  return (
    <section>
      <h1>Models</h1>
      <input
        type="search"
        placeholder="Filter by name"
        aria-label="filter models"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {pages.isPending ? <p className="muted">Loading models…</p> : null}
      {pages.isError ? <p className="error">Could not load models: {pages.error.message}</p> : null}
      {pages.isSuccess && models.length === 0 ? (
        <p className="muted">
          {q ? "No model matches." : "No registered models yet: "}
          {q ? null : <code>looplab models register NAME --run RUN --path PATH</code>}
        </p>
      ) : null}
      {models.length > 0 ? (
        <table className="plain" aria-label="registered models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Aliases</th>
              <th>Description</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name} data-model={m.name}>
                <td>
                  <Link href={paths.model(m.name)}>{m.name}</Link>
                </td>
                <td>{m.latestVersion ? `v${m.latestVersion.version}` : "–"}</td>
                <td>
                  {Object.entries(m.aliases).map(([alias, version]) => (
                    <span key={alias} className="alias">
                      @{alias} → v{version}
                    </span>
                  ))}
                </td>
                <td>{m.description}</td>
                <td>{formatTime(m.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {pages.hasNextPage ? (
        <button type="button" onClick={() => pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
