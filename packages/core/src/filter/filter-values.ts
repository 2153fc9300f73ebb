import { runStatuses } from "../schemas/runs.js";
import { type CompareOp, type FieldRef, formatField, isTimeAttribute, type Literal } from "./filter-ast.js";
import { queryError } from "./filter-error.js";

/**
 * Type rules of the filter language: which literal a field compares with. Run attributes
 * are text (ordered lexicographically) or times; config values are typed (a number literal
 * matches numbers, a string literal strings, a boolean booleans); tags are text; metric
 * summaries are numbers.
 */

const orderingOps: readonly CompareOp[] = ["<", "<=", ">", ">="];
const isoTime = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

export type FieldType = "text" | "status" | "time" | "duration" | "config" | "tag" | "metric";

export function fieldType(field: FieldRef): FieldType {
  switch (field.kind) {
    case "attribute":
      if (field.name === "status") return "status";
      if (field.name === "duration") return "duration";
      return isTimeAttribute(field.name) ? "time" : "text";
    case "config":
      return "config";
    case "tag":
      return "tag";
    case "metric":
      return "metric";
  }
}

function describe(literal: Literal): string {
  switch (literal.kind) {
    case "number":
      return `the number ${literal.value}`;
    case "string":
      return `the string ${JSON.stringify(literal.value)}`;
    case "boolean":
      return `${literal.value}`;
  }
}

/** Checks `literal` against `field` for `op` (`in` lists check each value as `=`); returns it normalised. */
export function checkValue(field: FieldRef, op: CompareOp, literal: Literal): Literal {
  const name = formatField(field);
  const type = fieldType(field);
  const reject = (expected: string): never => {
    throw queryError("filter", `'${name}' compares with ${expected}, not ${describe(literal)}`, literal.column, {
      field: name,
      expected,
    });
  };
  const ordering = orderingOps.includes(op);

  switch (type) {
    case "text":
    case "tag":
      if (literal.kind !== "string") {
        return reject(type === "tag" ? 'quoted strings (tags are text: write "42")' : "quoted strings");
      }
      return literal;
    case "status":
      if (ordering) {
        throw queryError("filter", `'status' cannot be ordered with '${op}': use =, !=, in, ~ or !~`, literal.column, {
          field: name,
        });
      }
      if (literal.kind !== "string" || !(runStatuses as readonly string[]).includes(literal.value)) {
        return reject(`a run status (${runStatuses.join(", ")})`);
      }
      return literal;
    case "time":
      return { kind: "number", value: timeValue(name, literal), column: literal.column };
    case "duration":
      if (literal.kind !== "number" || !Number.isInteger(literal.value)) return reject("whole milliseconds");
      return literal;
    case "metric":
      if (literal.kind !== "number") return reject("numbers");
      if (field.kind === "metric" && field.aggregate === "count" && !Number.isInteger(literal.value)) {
        return reject("whole numbers");
      }
      return literal;
    case "config":
      if (literal.kind === "boolean" && ordering) {
        throw queryError("filter", `booleans cannot be ordered with '${op}': use = or !=`, literal.column, {
          field: name,
        });
      }
      return literal;
  }
}

function timeValue(name: string, literal: Literal): number {
  if (literal.kind === "number" && Number.isInteger(literal.value)) return literal.value;
  if (literal.kind === "string") {
    const match = isoTime.exec(literal.value);
    // A time without an offset is read as UTC, so a filter means the same on every server.
    const text = match && !match[1] && literal.value.length > 10 ? `${literal.value}Z` : literal.value;
    const ms = match ? Date.parse(text.replace(" ", "T")) : Number.NaN;
    if (Number.isFinite(ms)) return ms;
  }
  throw queryError(
    "filter",
    `'${name}' compares with an ISO-8601 time ("2024-05-01T12:00:00Z") or epoch milliseconds, not ${describe(literal)}`,
    literal.column,
    { field: name },
  );
}

/** `~` and `!~` need a text field and a valid regular expression. */
export function checkPattern(field: FieldRef, op: string, literal: Literal): string {
  const name = formatField(field);
  const type = fieldType(field);
  if (type !== "text" && type !== "status" && type !== "tag" && type !== "config") {
    throw queryError("filter", `'${op}' needs a text field; '${name}' is not text`, field.column, { field: name });
  }
  if (literal.kind !== "string") {
    throw queryError("filter", `expected a quoted regular expression after '${op}'`, literal.column, {
      field: name,
    });
  }
  try {
    new RegExp(literal.value);
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(
      /^Invalid regular expression: /,
      "",
    );
    throw queryError("filter", `invalid regular expression (${reason})`, literal.column, { field: name });
  }
  return literal.value;
}
