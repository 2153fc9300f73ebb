import type { Run } from "@looplab/core";
import { Link, paths } from "../../app/router.js";
import { colorAt } from "../charts/palette.js";

/** A run's column header: colour (as in the overlaid charts), linked name, reference marker. */
export function CompareRunLabel({ run, index, isRef }: { run: Run; index: number; isRef: boolean }) {
  return (
    <span className="compare-run-label">
      <span className="swatch" style={{ background: colorAt(index) }} />
      <Link href={paths.run(run.id)} title={run.id}>
        {run.name || run.id.slice(0, 8)}
      </Link>
      {isRef ? <span className="chip">ref</span> : null}
    </span>
  );
}
