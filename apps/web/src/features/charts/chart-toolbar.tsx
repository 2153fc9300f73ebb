import { useEffect, useRef, useState } from "react";
import type { ChartSettings } from "./chart-settings.js";
import type { XAxisMode } from "./x-axis.js";

export interface ChartToolbarProps {
  settings: ChartSettings;
  onChange(patch: Partial<ChartSettings>): void;
  shown: number;
  total: number;
}

const axisLabels: Record<XAxisMode, string> = { step: "Step", relative: "Relative time", wall: "Wall time" };

/** Panel filter, EMA smoothing, x-axis and log scale — all written to the URL by the grid. */
export function ChartToolbar({ settings, onChange, shown, total }: ChartToolbarProps) {
  // The slider moves locally at once and reaches the URL when it rests.
  const [smoothing, setSmoothing] = useState(settings.smoothing);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => setSmoothing(settings.smoothing), [settings.smoothing]);
  useEffect(() => () => clearTimeout(timer.current), []);
  const slide = (value: number) => {
    setSmoothing(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => onChange({ smoothing: value }), 150);
  };

  return (
    <div className="chart-toolbar" role="toolbar" aria-label="chart settings">
      <input
        type="search"
        placeholder="Filter panels (e.g. loss, val/)"
        aria-label="filter panels"
        value={settings.panels}
        onChange={(e) => onChange({ panels: e.target.value })}
      />
      <span className="muted">{shown === total ? `${total} panels` : `${shown} of ${total} panels`}</span>
      <label>
        Smoothing
        <input
          type="range"
          min={0}
          max={0.99}
          step={0.01}
          value={smoothing}
          aria-label="smoothing"
          onChange={(e) => slide(Number(e.target.value))}
        />
        <span className="num">{smoothing.toFixed(2)}</span>
      </label>
      <label>
        X-axis
        <select
          value={settings.xAxis}
          aria-label="x-axis"
          onChange={(e) => onChange({ xAxis: e.target.value as XAxisMode })}
        >
          {(Object.keys(axisLabels) as XAxisMode[]).map((m) => (
            <option key={m} value={m}>
              {axisLabels[m]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={settings.logY}
          aria-label="log scale"
          onChange={(e) => onChange({ logY: e.target.checked })}
        />
        Log scale
      </label>
    </div>
  );
}
