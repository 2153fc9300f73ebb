import { Link, paths } from "../../app/router.js";
import "./registry.css";
import { useRunModelVersions } from "./use-registry.js";

/** "Registered as model X vN" on a run's overview; nothing when the run was never registered. */
export function RunModelVersions({ runId }: { runId: string }) {
  const versions = useRunModelVersions(runId);
  const list = versions.data?.versions ?? [];
  if (list.length === 0) return null;
  return (
    <p className="registered-as">
      Registered as{" "}
      {list.map((v, i) => (
        <span key={`${v.model}/${v.version}`}>
          {i > 0 ? ", " : ""}
          <Link href={paths.model(v.model)}>
            {v.model} v{v.version}
          </Link>
        </span>
      ))}
    </p>
  );
}
