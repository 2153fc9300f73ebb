import { type FieldRef, metricAggregates, type RunAttribute, runAttributes } from "./filter-ast.js";
import { type QueryLanguage, queryError } from "./filter-error.js";
import type { PathSegment, Token } from "./filter-lexer.js";

/** Turns a path token into a field of the filter/sort languages, or throws a 400 naming it. */

export const fieldHelp =
  "expected one of name, status, group, id, host, notes, createdAt, startedAt, endedAt, updatedAt, duration, " +
  "config.<path>, tags.<key> or metrics.<key>[.<aggregate>]";

const attributeByLowerName = new Map<string, RunAttribute>(runAttributes.map((name) => [name.toLowerCase(), name]));

export type PathToken = Extract<Token, { kind: "path" }>;

export function pathText(segments: PathSegment[]): string {
  return segments.map((s) => (s.quoted ? `\`${s.text}\`` : s.text)).join(".");
}

export function resolveField(token: PathToken, language: QueryLanguage): FieldRef {
  const [head, ...rest] = token.segments;
  const column = token.column;
  if (!head) throw queryError(language, "expected a field", column);
  const name = head.quoted ? null : head.text.toLowerCase();

  if (name === "config") {
    if (rest.length === 0) throw queryError(language, "expected a path after 'config.'", token.end);
    const segments = rest.map((s) => s.text);
    return { kind: "config", segments, path: segments.join("."), column };
  }
  if (name === "tags") {
    const [key, extra] = rest;
    if (!key) throw queryError(language, "expected a key after 'tags.'", token.end);
    if (extra) {
      throw queryError(
        language,
        `tag keys containing dots must be quoted with backticks, as in tags.\`${rest.map((s) => s.text).join(".")}\``,
        extra.column,
        { field: pathText(token.segments) },
      );
    }
    return { kind: "tag", key: key.text, column };
  }
  if (name === "metrics") return resolveMetric(token, rest, language);

  const attribute = name === null ? undefined : attributeByLowerName.get(name);
  if (attribute && rest.length === 0) return { kind: "attribute", name: attribute, column };
  throw queryError(language, `unknown field '${pathText(token.segments)}' (${fieldHelp})`, column, {
    field: pathText(token.segments),
  });
}

function resolveMetric(token: PathToken, rest: PathSegment[], language: QueryLanguage): FieldRef {
  const column = token.column;
  const [key, second] = rest;
  if (!key) throw queryError(language, "expected a key after 'metrics.'", token.end);
  if (!second) return { kind: "metric", key: key.text, aggregate: "last", explicitAggregate: false, column };
  const last = rest[rest.length - 1] as PathSegment;
  const aggregate = last.quoted ? undefined : metricAggregates.find((a) => a === last.text.toLowerCase());
  if (aggregate && rest.length === 2) {
    return { kind: "metric", key: key.text, aggregate, explicitAggregate: true, column };
  }
  const keyText = (aggregate ? rest.slice(0, -1) : rest).map((s) => s.text).join(".");
  const example = `metrics.\`${keyText}\`${aggregate ? `.${aggregate}` : ""}`;
  const details = { field: pathText(token.segments) };
  if (rest.length === 2) {
    throw queryError(
      language,
      `unknown aggregate '${second.text}' (expected one of ${metricAggregates.join(", ")}; ` +
        `a key containing dots is quoted with backticks, as in ${example})`,
      second.column,
      { ...details, aggregate: second.text },
    );
  }
  throw queryError(
    language,
    `metric keys containing dots must be quoted with backticks, as in ${example}`,
    second.column,
    details,
  );
}
