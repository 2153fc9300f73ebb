import { useQuery } from "@tanstack/react-query";
import { useApi } from "../api/api-context.js";
import { Link, paths } from "../app/router.js";

export function ProjectsPage() {
  const api = useApi();
  const projects = useQuery({
    queryKey: ["projects"],
    queryFn: () => api.call("listProjects", { query: { limit: 1000 } }),
  });
  if (projects.isPending) return <p className="muted">Loading projects…</p>;
  if (projects.isError) return <p className="error">Could not load projects: {projects.error.message}</p>;
  const list = projects.data.projects;
  if (list.length === 0) {
    return (
      <section className="empty">
        <h1>No projects yet</h1>
        <p>
          Log a run with the SDK, or seed demo data with <code>looplab dev seed --project demo</code>.
        </p>
      </section>
    );
  }
  return (
    <section>
      <h1>Projects</h1>
      <table className="plain">
        <thead>
          <tr>
            <th>Name</th>
            <th>Runs</th>
            <th>Description</th>
            <th>Updated</th>
          </tr>
        </thead>
        <tbody>
          {list.map((p) => (
            <tr key={p.id}>
              <td>
                <Link href={paths.project(p.name)}>{p.name}</Link>
              </td>
              <td className="num">{p.runCount}</td>
              <td>{p.description}</td>
              <td>{new Date(p.updatedAt).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {projects.data.nextPageToken !== null && <p className="muted">Showing the first {list.length} projects.</p>}
    </section>
  );
}
