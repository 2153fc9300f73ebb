import { useMemo, useRef } from "react";
import type uPlot from "uplot";
import { UplotChart } from "../charts/uplot-chart.js";
import { useElementWidth } from "../charts/use-element-width.js";
import { useThemeColors } from "../charts/use-theme-colors.js";
import { bestSoFar, type TrialLike } from "./sweep-model.js";

const HEIGHT = 240;

/** The objective of each trial (dots) and the best so far (a step line), by trial number. */
export function BestSoFarChart(props: { trials: readonly TrialLike[]; goal: "min" | "max"; metric: string }) {
  const box = useRef<HTMLElement>(null);
  const width = Math.max(useElementWidth(box, 600), 200);
  const colors = useThemeColors();
  const curve = useMemo(() => bestSoFar(props.trials, props.goal), [props.trials, props.goal]);
  const options = useMemo<uPlot.Options>(
    () => ({
      width,
      height: HEIGHT,
      legend: { show: true },
      scales: { x: { time: false } },
      axes: [
        { label: "trial", stroke: colors.axis, grid: { stroke: colors.grid } },
        { label: props.metric, stroke: colors.axis, grid: { stroke: colors.grid } },
      ],
      series: [
        { label: "trial" },
        { label: "trial value", stroke: "#8a94a6", width: 0, points: { show: true, size: 5 } },
        { label: `best so far (${props.goal})`, stroke: "#2f6fde", width: 2, points: { show: false } },
      ],
    }),
    [width, colors, props.metric, props.goal],
  );
  const data = useMemo<uPlot.AlignedData>(() => [curve.x, curve.value, curve.best], [curve]);
  return (
    <figure ref={box} className="sweep-best" aria-label="best so far">
      {curve.x.length === 0 ? (
        <p className="muted">No trial has reported {props.metric} yet.</p>
      ) : (
        <UplotChart options={options} data={data} width={width} height={HEIGHT} />
      )}
    </figure>
  );
}
