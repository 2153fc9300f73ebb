import { useEffect, useLayoutEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface UplotChartProps {
  options: uPlot.Options;
  data: uPlot.AlignedData;
  width: number;
  height: number;
}

/**
 * The only component that touches uPlot: creates the plot when `options` change, swaps data in
 * place when only `data` changes (live updates keep the cursor), and follows the size.
 */
export function UplotChart({ options, data, width, height }: UplotChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef({ data, width, height });
  latest.current = { data, width, height };

  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    const { data: d, width: w, height: h } = latest.current;
    // `data-chart-state="drawn"` once uPlot has painted: what browser tests and benchmarks wait on.
    const markDrawn = () => {
      element.dataset.chartState = "drawn";
    };
    const hooks = { ...options.hooks, draw: [...(options.hooks?.draw ?? []), markDrawn] };
    const u = new uPlot({ ...options, width: w, height: h, hooks }, d, element);
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [options]);

  useEffect(() => {
    const u = plot.current;
    if (u && u.data !== data) u.setData(data);
  }, [data]);

  useEffect(() => {
    const u = plot.current;
    if (u && (u.width !== width || u.height !== height)) u.setSize({ width, height });
  }, [width, height]);

  return <div ref={host} className="uplot-host" />;
}
