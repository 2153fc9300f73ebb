/**
 * The typed syntax tree of the run filter language (DESIGN.md §6). Every node keeps the
 * 1-based column where it starts in the source text, so later stages can point at it.
 */

export const stringAttributes = ["name", "status", "group", "id", "host", "notes"] as const;
export const timeAttributes = ["createdAt", "startedAt", "endedAt", "updatedAt"] as const;
export const runAttributes = [...stringAttributes, ...timeAttributes, "duration"] as const;

export type StringAttribute = (typeof stringAttributes)[number];
export type TimeAttribute = (typeof timeAttributes)[number];
export type RunAttribute = (typeof runAttributes)[number];

/** `best` is `min` or `max` per the project's metric goal, `last` when the key has none. */
export const metricAggregates = ["last", "min", "max", "mean", "count", "best"] as const;
export type MetricAggregate = (typeof metricAggregates)[number];

export type FieldRef =
  | { kind: "attribute"; name: RunAttribute; column: number }
  /** `segments` are the dotted path's parts; `path` is them joined with "." (as stored). */
  | { kind: "config"; segments: string[]; path: string; column: number }
  | { kind: "tag"; key: string; column: number }
  /** `explicitAggregate` is false for a bare `metrics.<key>`, which means `.last`. */
  | { kind: "metric"; key: string; aggregate: MetricAggregate; explicitAggregate: boolean; column: number };

export type Literal =
  | { kind: "number"; value: number; column: number }
  | { kind: "string"; value: string; column: number }
  | { kind: "boolean"; value: boolean; column: number };

export const compareOps = ["=", "!=", "<", "<=", ">", ">="] as const;
export type CompareOp = (typeof compareOps)[number];
export type MatchOp = "~" | "!~";

export type FilterExpr =
  | { kind: "and"; items: FilterExpr[]; column: number }
  | { kind: "or"; items: FilterExpr[]; column: number }
  | { kind: "not"; item: FilterExpr; column: number }
  /** Time fields hold their value as epoch ms (ISO strings are converted by the parser). */
  | { kind: "compare"; field: FieldRef; op: CompareOp; value: Literal; column: number }
  /** `pattern` has been checked with `new RegExp`. */
  | { kind: "match"; field: FieldRef; op: MatchOp; pattern: string; column: number }
  | { kind: "in"; field: FieldRef; values: Literal[]; negated: boolean; column: number }
  /**
   * `x exists`, `x is not null`, `x != null` (negated: `x is null`, `x = null`, `x not exists`).
   * A bare `metrics.<key>` exists when the series exists; with an explicit aggregate, when
   * that aggregate has a value.
   */
  | { kind: "exists"; field: FieldRef; negated: boolean; column: number }
  /** `tags has "k"`, `config has "a.b"`, `metrics has "val/acc"`. */
  | { kind: "has"; scope: "tags" | "config" | "metrics"; key: string; column: number };

export interface SortKey {
  field: FieldRef;
  descending: boolean;
  column: number;
}

export function isStringAttribute(name: RunAttribute): name is StringAttribute {
  return (stringAttributes as readonly string[]).includes(name);
}

export function isTimeAttribute(name: RunAttribute): name is TimeAttribute {
  return (timeAttributes as readonly string[]).includes(name);
}

/** The field as it would be written in a filter (keys quoted with backticks when needed). */
export function formatField(field: FieldRef): string {
  switch (field.kind) {
    case "attribute":
      return field.name;
    case "config":
      return ["config", ...field.segments].map(quoteSegment).join(".");
    case "tag":
      return `tags.${quoteSegment(field.key)}`;
    case "metric":
      return `metrics.${quoteSegment(field.key)}${field.explicitAggregate ? `.${field.aggregate}` : ""}`;
  }
}

const bareSegment = /^[A-Za-z0-9_/-]+$/;

export function quoteSegment(segment: string): string {
  return bareSegment.test(segment) ? segment : `\`${segment.replaceAll("`", "``")}\``;
}
