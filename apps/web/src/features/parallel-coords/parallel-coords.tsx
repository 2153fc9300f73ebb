import { type PointerEvent, useMemo, useRef, useState } from "react";
import { useElementWidth } from "../charts/use-element-width.js";
import {
  axisPosition,
  axisTicks,
  type Brushes,
  brushMask,
  buildAxes,
  type PcAxis,
  type PcRow,
  rampColor,
} from "./parallel-coords-model.js";
import "./parallel-coords.css";

export interface ParallelCoordsProps {
  rows: readonly PcRow[];
  /** Axis keys, left to right (config paths, then usually the metric). */
  keys: readonly string[];
  /** The key that colours the lines (blue low → orange high). */
  colorKey?: string;
  /** Axis titles, when they should differ from the keys. */
  labels?: Readonly<Record<string, string>>;
  height?: number;
  /** Called with the ids that pass the brushes whenever they change. */
  onFilter?(ids: string[]): void;
}

const M = { top: 28, bottom: 22, left: 36, right: 70 };

/**
 * Parallel coordinates in SVG: one vertical axis per key, one polyline per run. Drag along an
 * axis to brush (keep a range; several axes combine), click an axis to clear its brush. Works
 * for hundreds of runs; the project page can embed it with its own rows.
 */
export function ParallelCoords({ rows, keys, colorKey, labels, height = 320, onFilter }: ParallelCoordsProps) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useElementWidth(box, 800), 200);
  const axes = useMemo(() => buildAxes(rows, keys), [rows, keys]);
  const [brushes, setBrushes] = useState<Brushes>({});
  const drag = useRef<{ key: string; from: number; moved: boolean } | null>(null);
  const mask = useMemo(() => brushMask(rows, axes, brushes), [rows, axes, brushes]);
  const plotH = height - M.top - M.bottom;
  const xOf = (i: number) => M.left + (axes.length === 1 ? 0 : (i * (width - M.left - M.right)) / (axes.length - 1));
  const yOf = (p: number) => M.top + (1 - p) * plotH;
  const posOf = (e: PointerEvent<SVGRectElement>) => {
    const rect = (e.currentTarget.ownerSVGElement as SVGSVGElement).getBoundingClientRect();
    return Math.min(1, Math.max(0, 1 - (e.clientY - rect.top - M.top) / plotH));
  };
  const colorAxis = axes.find((a) => a.key === colorKey);

  const update = (next: Brushes) => {
    setBrushes(next);
    if (onFilter) {
      const m = brushMask(rows, axes, next);
      onFilter(rows.filter((_, i) => m[i]).map((r) => r.id));
    }
  };

  const path = (row: PcRow) => {
    let d = "";
    let pen = false;
    axes.forEach((axis, i) => {
      const p = axisPosition(axis, row.values[axis.key]);
      if (p === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${xOf(i).toFixed(1)},${yOf(p).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const order = rows.map((_, i) => i).sort((a, b) => Number(mask[a]) - Number(mask[b]));

  return (
    <div ref={box} className="parallel-coords">
      {axes.length < 2 ? <p className="muted">Choose at least two axes.</p> : null}
      <svg width={width} height={height} role="img" aria-label="parallel coordinates">
        {order.map((i) => {
          const row = rows[i] as PcRow;
          const kept = mask[i];
          const t = colorAxis ? axisPosition(colorAxis, row.values[colorAxis.key]) : null;
          return (
            <path
              key={row.id}
              d={path(row)}
              className={kept ? "pc-line" : "pc-line pc-out"}
              stroke={kept ? (t === null ? "var(--muted)" : rampColor(t)) : undefined}
            >
              <title>{row.name}</title>
            </path>
          );
        })}
        {axes.map((axis: PcAxis, i) => {
          const x = xOf(i);
          const brush = brushes[axis.key];
          return (
            <g key={axis.key} className="pc-axis">
              <line x1={x} x2={x} y1={M.top} y2={M.top + plotH} />
              <text x={x} y={M.top - 12} textAnchor="middle" className="pc-title">
                {labels?.[axis.key] ?? axis.key}
              </text>
              {axisTicks(axis).map((t) => (
                <text key={`${t.position}:${t.label}`} x={x + 5} y={yOf(t.position) + 4} className="pc-tick">
                  {t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label}
                </text>
              ))}
              {brush ? (
                <rect
                  x={x - 7}
                  width={14}
                  y={yOf(Math.max(...brush))}
                  height={Math.abs(brush[0] - brush[1]) * plotH}
                  className="pc-brush"
                />
              ) : null}
              <rect
                x={x - 12}
                width={24}
                y={M.top}
                height={plotH}
                className="pc-hit"
                aria-label={`brush ${axis.key}`}
                onPointerDown={(e) => {
                  e.currentTarget.setPointerCapture?.(e.pointerId);
                  drag.current = { key: axis.key, from: posOf(e), moved: false };
                }}
                onPointerMove={(e) => {
                  const d = drag.current;
                  if (!d || d.key !== axis.key) return;
                  const to = posOf(e);
                  if (Math.abs(to - d.from) < 0.01 && !d.moved) return;
                  d.moved = true;
                  update({ ...brushes, [axis.key]: [d.from, to] });
                }}
                onPointerUp={() => {
                  const d = drag.current;
                  drag.current = null;
                  if (d && !d.moved) {
                    const { [axis.key]: _, ...rest } = brushes;
                    update(rest);
                  }
                }}
              />
            </g>
          );
        })}
      </svg>
    </div>
  );
}
