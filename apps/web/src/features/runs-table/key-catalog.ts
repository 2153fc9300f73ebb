import { quoteSegment } from "@looplab/core";
import { tableAggregates } from "./column-model.js";

/**
 * The keys a project's runs carry (config paths, metric keys with their goals, tag keys), from
 * the keys endpoint: what the column picker lists, the group-by menu offers and the filter box
 * completes. Values are completed from the values endpoint as they are typed.
 */
export interface KeyCatalog {
  config: { path: string; segments: string[] }[];
  metrics: { key: string; goal?: "min" | "max" | undefined }[];
  tags: string[];
  /** More keys exist than were listed (the endpoint's limit per kind). */
  truncated: boolean;
}

export const emptyCatalog: KeyCatalog = { config: [], metrics: [], tags: [], truncated: false };

export function configFieldText(segments: readonly string[]): string {
  return ["config", ...segments.map(quoteSegment)].join(".");
}

/** A value as a literal of the filter language. */
export function literalText(value: unknown): string | null {
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : null;
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
  return null;
}

export interface ColumnChoice {
  id: string;
  label: string;
  section: "run" | "config" | "metrics" | "tags";
}

const runFields: ColumnChoice[] = [
  { id: "name", label: "name", section: "run" },
  { id: "status", label: "status", section: "run" },
  { id: "tags", label: "tags (all)", section: "run" },
  { id: "group", label: "group", section: "run" },
  { id: "createdAt", label: "created", section: "run" },
  { id: "startedAt", label: "started", section: "run" },
  { id: "endedAt", label: "ended", section: "run" },
  { id: "updatedAt", label: "updated", section: "run" },
  { id: "duration", label: "duration", section: "run" },
  { id: "host", label: "host", section: "run" },
  { id: "id", label: "id", section: "run" },
  { id: "notes", label: "notes", section: "run" },
];

/** Every column the picker offers: run fields, config paths, metric aggregates (best only with a goal), tags. */
export function columnChoices(catalog: KeyCatalog): ColumnChoice[] {
  const out = [...runFields];
  for (const c of catalog.config) out.push({ id: configFieldText(c.segments), label: c.path, section: "config" });
  for (const m of catalog.metrics) {
    for (const aggregate of tableAggregates) {
      if (aggregate === "best" && !m.goal) continue;
      const label = aggregate === "best" ? `${m.key} best (${m.goal})` : `${m.key} ${aggregate}`;
      out.push({ id: `metrics.${quoteSegment(m.key)}.${aggregate}`, label, section: "metrics" });
    }
  }
  for (const t of catalog.tags) out.push({ id: `tags.${quoteSegment(t)}`, label: `#${t}`, section: "tags" });
  return out;
}

/**
 * Searches choices: every space-separated word must occur (case-insensitive) in the label or id;
 * prefix matches of the whole query rank first.
 */
export function searchChoices(choices: readonly ColumnChoice[], query: string, limit = 200): ColumnChoice[] {
  const q = query.trim().toLowerCase();
  if (q === "") return choices.slice(0, limit);
  const words = q.split(/\s+/);
  const scored: { choice: ColumnChoice; score: number; order: number }[] = [];
  choices.forEach((choice, order) => {
    const hay = `${choice.label} ${choice.id}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) return;
    const label = choice.label.toLowerCase();
    const score = label.startsWith(q) ? 0 : label.includes(q) ? 1 : 2;
    scored.push({ choice, score, order });
  });
  scored.sort((a, b) => a.score - b.score || a.order - b.order);
  return scored.slice(0, limit).map((s) => s.choice);
}
