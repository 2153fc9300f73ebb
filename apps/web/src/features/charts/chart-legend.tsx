import type { ChartEntity } from "./chart-data.js";
import { formatValue, formatX } from "./number-format.js";
import { pointNear, type XAxisMode } from "./x-axis.js";

/**
 * Values under the cursor (or the last values when the cursor is off the plot), one row per
 * run or group: the smoothed value first when smoothing is on, the raw one beside it.
 */
export function ChartLegend({
  entities,
  cursorX,
  xAxis,
}: {
  entities: readonly ChartEntity[];
  cursorX: number | null;
  xAxis: XAxisMode;
}) {
  return (
    <ul className="chart-legend">
      {entities.map((e) => {
        const x = cursorX ?? e.band.x[e.band.x.length - 1] ?? 0;
        const near = pointNear(e.band, x);
        const raw = near ? (e.band.line[near.index] ?? null) : null;
        const smooth = near && e.smoothed ? (e.smoothed[near.index] ?? null) : null;
        return (
          <li key={e.id} title={near ? formatX(xAxis, near.x) : undefined}>
            <span className="swatch" style={{ background: e.color }} />
            <span className="name">{e.label}</span>
            <span className="value">{formatValue(e.smoothed ? smooth : raw)}</span>
            {e.smoothed ? <span className="value muted">{formatValue(raw)}</span> : null}
            {near && xAxis === "step" ? <span className="muted">@{near.step}</span> : null}
          </li>
        );
      })}
    </ul>
  );
}
