/**
 * Config documents are nested JSON queried by dotted path (`config.optimizer.lr`).
 * These helpers flatten a document to its leaves and apply dotted-path changes.
 */
export type ConfigLeafType = "number" | "string" | "boolean" | "null" | "json";

export interface ConfigLeaf {
  path: string;
  type: ConfigLeafType;
  value: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function leafType(value: unknown): ConfigLeafType {
  if (value === null) return "null";
  if (typeof value === "number") return "number";
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "boolean";
  return "json";
}

/** Leaves of a nested document; arrays and empty objects are leaves of type "json". */
export function flattenConfig(config: Record<string, unknown>, prefix = ""): ConfigLeaf[] {
  const leaves: ConfigLeaf[] = [];
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(value) && Object.keys(value).length > 0) leaves.push(...flattenConfig(value, path));
    else leaves.push({ path, type: leafType(value), value });
  }
  return leaves;
}

export function getConfigPath(config: Record<string, unknown>, path: string): unknown {
  let node: unknown = config;
  for (const part of path.split(".")) {
    if (!isPlainObject(node) || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * Applies changes given as a (possibly nested) document whose keys may be dotted paths.
 * A null value removes the path. Returns the new document and the leaf-level changes made.
 */
export function applyConfigChanges(
  config: Record<string, unknown>,
  changes: Record<string, unknown>,
): { config: Record<string, unknown>; changes: ConfigChange[] } {
  const next = structuredClone(config);
  const made: ConfigChange[] = [];
  for (const leaf of flattenConfig(changes)) {
    const parts = leaf.path.split(".");
    const before = getConfigPath(next, leaf.path);
    let node: Record<string, unknown> = next;
    for (const part of parts.slice(0, -1)) {
      const child = node[part];
      if (!isPlainObject(child)) {
        if (leaf.value === null) break;
        node[part] = {};
      }
      node = node[part] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1] as string;
    if (leaf.value === null) {
      if (before === undefined) continue;
      delete node[last];
      made.push({ path: leaf.path, before, after: null });
    } else if (JSON.stringify(before) !== JSON.stringify(leaf.value)) {
      node[last] = leaf.value;
      made.push({ path: leaf.path, before: before ?? null, after: leaf.value });
    }
  }
  return { config: next, changes: made };
}
