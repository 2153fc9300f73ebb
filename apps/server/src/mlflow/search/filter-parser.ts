import { invalidParameter } from "../mlflow-errors.js";
import { type Token, tokenize } from "./filter-tokens.js";

/**
 * MLflow's search filter and order_by grammar (MLFLOW-API.md §6): a conjunction of
 * `<entity>.<key> <comparator> <value>` clauses; no OR, no parentheses except `IN (…)` lists.
 * Errors are MLflow's 400 INVALID_PARAMETER_VALUE.
 */
export type EntityType = "metric" | "param" | "tag" | "attribute" | "dataset";
export type Comparator =
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "LIKE"
  | "ILIKE"
  | "IN"
  | "NOT IN"
  | "IS NULL"
  | "IS NOT NULL";

export interface Clause {
  type: EntityType;
  key: string;
  comparator: Comparator;
  value: string | number | string[] | null;
}

export interface OrderTerm {
  type: EntityType;
  key: string;
  ascending: boolean;
}

const ENTITY: Record<string, EntityType> = {
  metric: "metric",
  metrics: "metric",
  param: "param",
  params: "param",
  parameter: "param",
  parameters: "param",
  tag: "tag",
  tags: "tag",
  attribute: "attribute",
  attributes: "attribute",
  attr: "attribute",
  run: "attribute",
  dataset: "dataset",
  datasets: "dataset",
};

const NUMERIC_OPS = new Set(["=", "!=", "<", "<=", ">", ">="]);
const STRING_OPS = new Set(["=", "!=", "LIKE", "ILIKE"]);

/** A grammar: which attributes exist and which are numeric (runs and experiments differ). */
export interface SearchGrammar {
  numericAttributes: Record<string, string>;
  stringAttributes: Record<string, string>;
  /** Attributes that accept IN / NOT IN. */
  listAttributes: Set<string>;
  entities: Set<EntityType>;
}

export const runGrammar: SearchGrammar = {
  numericAttributes: { start_time: "start_time", end_time: "end_time", created: "start_time", Created: "start_time" },
  stringAttributes: {
    run_id: "run_id",
    run_name: "run_name",
    "run name": "run_name",
    "Run name": "run_name",
    "Run Name": "run_name",
    status: "status",
    user_id: "user_id",
    artifact_uri: "artifact_uri",
    name: "name",
    digest: "digest",
    context: "context",
  },
  listAttributes: new Set(["run_id", "name", "digest", "context"]),
  entities: new Set(["metric", "param", "tag", "attribute", "dataset"]),
};

export const experimentGrammar: SearchGrammar = {
  numericAttributes: { creation_time: "creation_time", last_update_time: "last_update_time" },
  stringAttributes: { name: "name" },
  listAttributes: new Set(),
  entities: new Set(["tag", "attribute"]),
};

class Cursor {
  i = 0;
  constructor(readonly tokens: Token[]) {}
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  next(): Token | undefined {
    return this.tokens[this.i++];
  }
  isWord(text: string): boolean {
    const t = this.peek();
    return t?.kind === "word" && t.text.toUpperCase() === text;
  }
}

function readIdentifier(c: Cursor, grammar: SearchGrammar): { type: EntityType; key: string } {
  const t = c.next();
  if (!t) throw invalidParameter("Invalid filter: expected an identifier at the end");
  if (t.kind === "punct" && t.text === "(") throw invalidParameter("Invalid clause(s) in filter string: '('");
  let entity: string | undefined;
  let key: string;
  if (t.kind === "word") {
    const dot = t.text.indexOf(".");
    if (dot > 0 && ENTITY[t.text.slice(0, dot)] !== undefined) {
      entity = t.text.slice(0, dot);
      key = t.text.slice(dot + 1);
      if (key === "") {
        const quoted = c.next();
        if (!quoted || (quoted.kind !== "backtick" && quoted.kind !== "dquote")) {
          throw invalidParameter(`Invalid filter: expected a key after '${t.text}'`);
        }
        key = quoted.text;
      }
    } else key = t.text;
  } else if (t.kind === "backtick" || t.kind === "dquote") key = t.text;
  else throw invalidParameter(`Invalid filter: unexpected '${t.text}' at position ${t.at}`);
  const type = entity === undefined ? "attribute" : (ENTITY[entity] as EntityType);
  if (!grammar.entities.has(type)) throw invalidParameter(`Invalid entity type '${entity}'`);
  if (type === "attribute" || type === "dataset") {
    const canonical = grammar.numericAttributes[key] ?? grammar.stringAttributes[key];
    if (canonical === undefined) throw invalidParameter(`Invalid attribute key '${key}' specified.`);
    return { type, key: canonical };
  }
  return { type, key };
}

function readComparator(c: Cursor): Comparator {
  const t = c.next();
  if (!t) throw invalidParameter("Invalid filter: expected a comparator");
  if (t.kind === "op") return t.text as Comparator;
  if (t.kind === "word") {
    const word = t.text.toUpperCase();
    if (word === "LIKE" || word === "ILIKE" || word === "IN") return word;
    if (word === "NOT" && c.isWord("IN")) {
      c.next();
      return "NOT IN";
    }
    if (word === "IS") {
      if (c.isWord("NOT")) {
        c.next();
        if (!c.isWord("NULL")) throw invalidParameter("Invalid filter: expected NULL after IS NOT");
        c.next();
        return "IS NOT NULL";
      }
      if (!c.isWord("NULL")) throw invalidParameter("Invalid filter: expected NULL after IS");
      c.next();
      return "IS NULL";
    }
  }
  throw invalidParameter(`Invalid comparator '${t.text}'`);
}

function readValue(c: Cursor, comparator: Comparator): Clause["value"] {
  if (comparator === "IS NULL" || comparator === "IS NOT NULL") return null;
  const t = c.next();
  if (!t) throw invalidParameter("Invalid filter: expected a value");
  if (comparator === "IN" || comparator === "NOT IN") {
    if (t.kind !== "punct" || t.text !== "(") throw invalidParameter("Invalid filter: IN expects a list ('a', 'b')");
    const items: string[] = [];
    for (;;) {
      const item = c.next();
      if (!item || (item.kind !== "squote" && item.kind !== "dquote")) {
        throw invalidParameter("Invalid filter: IN lists hold quoted strings");
      }
      items.push(item.text);
      const sep = c.next();
      if (sep?.kind === "punct" && sep.text === ")") return items;
      if (sep?.kind !== "punct" || sep.text !== ",") throw invalidParameter("Invalid filter: unterminated IN list");
    }
  }
  if (t.kind === "number") return t.value;
  if (t.kind === "squote" || t.kind === "dquote") return t.text;
  throw invalidParameter(`Invalid filter: unexpected value '${t.text}'`);
}

function check(clause: Clause, grammar: SearchGrammar): void {
  const { type, key, comparator, value } = clause;
  const numericAttribute = type === "attribute" && Object.values(grammar.numericAttributes).includes(key);
  if (type === "metric" || numericAttribute) {
    if (!NUMERIC_OPS.has(comparator)) throw invalidParameter(`Invalid comparator '${comparator}' for ${type} '${key}'`);
    if (typeof value !== "number") {
      throw invalidParameter(`Expected numeric value type for ${type} '${key}'; got ${JSON.stringify(value)}`);
    }
    return;
  }
  if (type === "param" || type === "tag") {
    if (!STRING_OPS.has(comparator) && comparator !== "IS NULL" && comparator !== "IS NOT NULL") {
      throw invalidParameter(`Invalid comparator '${comparator}' for ${type} '${key}'`);
    }
  } else {
    const listOk = grammar.listAttributes.has(key) && (comparator === "IN" || comparator === "NOT IN");
    if (!STRING_OPS.has(comparator) && !listOk) {
      throw invalidParameter(`Invalid comparator '${comparator}' for attribute '${key}'`);
    }
  }
  if (value !== null && typeof value !== "string" && !Array.isArray(value)) {
    throw invalidParameter(`Expected a quoted string value for ${type} '${key}'`);
  }
}

export function parseFilter(text: string | undefined, grammar: SearchGrammar = runGrammar): Clause[] {
  if (!text || text.trim() === "") return [];
  const c = new Cursor(tokenize(text));
  const clauses: Clause[] = [];
  for (;;) {
    const identifier = readIdentifier(c, grammar);
    const comparator = readComparator(c);
    const clause: Clause = { ...identifier, comparator, value: readValue(c, comparator) };
    check(clause, grammar);
    clauses.push(clause);
    const next = c.next();
    if (!next) return clauses;
    if (next.kind === "word" && next.text.toUpperCase() === "AND") continue;
    throw invalidParameter(`Invalid clause(s) in filter string: '${next.text.toLowerCase()}'`);
  }
}

export function parseOrderBy(items: readonly string[] | undefined, grammar: SearchGrammar = runGrammar): OrderTerm[] {
  const terms: OrderTerm[] = [];
  for (const item of items ?? []) {
    const c = new Cursor(tokenize(item));
    const identifier = readIdentifier(c, {
      ...grammar,
      numericAttributes: { ...grammar.numericAttributes, experiment_id: "experiment_id" },
    });
    let ascending = true;
    const direction = c.next();
    if (direction) {
      const word = direction.kind === "word" ? direction.text.toUpperCase() : "";
      if (word !== "ASC" && word !== "DESC") throw invalidParameter(`Invalid order_by clause '${item}'`);
      ascending = word === "ASC";
    }
    if (c.next()) throw invalidParameter(`Invalid order_by clause '${item}'`);
    if (identifier.type === "dataset") throw invalidParameter(`Invalid order_by clause '${item}'`);
    terms.push({ ...identifier, ascending });
  }
  return terms;
}
