import { Link, paths } from "../../app/router.js";
import { useProjectSweeps } from "./use-sweeps.js";

/** The project's sweeps as a compact list of links (shown only when it has any). */
export function ProjectSweeps({ project }: { project: string }) {
  const sweeps = useProjectSweeps(project);
  const list = sweeps.data?.sweeps ?? [];
  if (list.length === 0) return null;
  return (
    <details className="project-sweeps">
      <summary>Sweeps ({list.length})</summary>
      <ul>
        {list.map((s) => (
          <li key={s.id}>
            <Link href={paths.sweep(s.id)}>{s.name}</Link>{" "}
            <span className="muted">
              {s.spec.method} · {s.state} · {s.trials}/{s.spec.budget.runs} trials
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
