import type { TagCondition, TextCondition } from "../../ports/registry-repo.js";
import type { ModelSearch, VersionSearch } from "../../services/registry-service.js";
import { invalidParameter } from "../mlflow-errors.js";
import { type Clause, parseFilter, type SearchGrammar } from "../search/filter-parser.js";

/** MLflow's registry search grammar (MLFLOW-API.md §6, "Registered models" and "Model versions"). */
const modelGrammar: SearchGrammar = {
  numericAttributes: {},
  stringAttributes: { name: "name" },
  listAttributes: new Set(),
  entities: new Set(["tag", "attribute"]),
};

const versionGrammar: SearchGrammar = {
  numericAttributes: { version_number: "version_number" },
  stringAttributes: { name: "name", run_id: "run_id", source_path: "source_path" },
  listAttributes: new Set(["run_id"]),
  entities: new Set(["tag", "attribute"]),
};

function text(clause: Clause): TextCondition {
  const op = clause.comparator;
  if (op !== "=" && op !== "!=" && op !== "LIKE" && op !== "ILIKE") {
    throw invalidParameter(`Invalid comparator '${op}' for '${clause.key}'`);
  }
  if (typeof clause.value !== "string") throw invalidParameter(`Expected a quoted string value for '${clause.key}'`);
  return { op, value: clause.value };
}

function tag(clause: Clause): TagCondition {
  return { key: clause.key, ...text(clause) };
}

function parseOrder<F extends string>(items: string[] | undefined, fields: Record<string, F>) {
  return (items ?? []).map((item) => {
    const match = /^\s*(?:attributes?\.)?([A-Za-z_]+)\s*(ASC|DESC)?\s*$/i.exec(item);
    const field = match ? fields[match[1] as string] : undefined;
    if (!match || !field) throw invalidParameter(`Invalid order_by clause '${item}'`);
    return { field, desc: (match[2] ?? "ASC").toUpperCase() === "DESC" };
  });
}

export function modelSearchOf(filter: string | undefined, orderBy: string[] | undefined): ModelSearch {
  const search: ModelSearch = { name: [], tags: [], includeDeleted: false, orderBy: [] };
  for (const clause of parseFilter(filter, modelGrammar)) {
    if (clause.type === "tag") search.tags.push(tag(clause));
    else search.name.push(text(clause));
  }
  search.orderBy = parseOrder(orderBy, {
    name: "name",
    timestamp: "updatedAt",
    last_updated_timestamp: "updatedAt",
    creation_timestamp: "createdAt",
  } as const);
  return search;
}

export function versionSearchOf(filter: string | undefined, orderBy: string[] | undefined): VersionSearch {
  const search: VersionSearch = { name: [], source: [], tags: [], includeDeletedModels: false, orderBy: [] };
  const runIds: NonNullable<VersionSearch["runIds"]> = [];
  const version: NonNullable<VersionSearch["version"]> = [];
  for (const clause of parseFilter(filter, versionGrammar)) {
    if (clause.type === "tag") search.tags.push(tag(clause));
    else if (clause.key === "name") search.name.push(text(clause));
    else if (clause.key === "source_path") search.source.push(text(clause));
    else if (clause.key === "version_number") {
      const op = clause.comparator;
      if (typeof clause.value !== "number" || !["=", "!=", "<", "<=", ">", ">="].includes(op)) {
        throw invalidParameter(`Invalid version_number clause: '${op} ${String(clause.value)}'`);
      }
      version.push({ op: op as "=", value: clause.value });
    } else if (clause.key === "run_id") {
      const op = clause.comparator;
      if (op === "IN" || op === "NOT IN") runIds.push({ op, values: clause.value as string[] });
      else if (op === "=") runIds.push({ op: "IN", values: [String(clause.value)] });
      else if (op === "!=") runIds.push({ op: "NOT IN", values: [String(clause.value)] });
      else throw invalidParameter(`Invalid comparator '${op}' for 'run_id'`);
    }
  }
  search.runIds = runIds;
  search.version = version;
  search.orderBy = parseOrder(orderBy, {
    name: "name",
    version_number: "version",
    creation_timestamp: "createdAt",
    last_updated_timestamp: "updatedAt",
    timestamp: "updatedAt",
  } as const);
  return search;
}
