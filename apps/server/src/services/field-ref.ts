import { type FieldRef, invalidArgument, isLooplabError, LooplabError, parseSort } from "@looplab/core";
import type { ValueField } from "../ports/dashboard-store.js";

/**
 * One field in the syntax of the filter language (`config.optimizer.lr`, `tags.team`,
 * `metrics.val/acc.max`, `status`), parsed by its parser; errors name the parameter.
 */
export function parseFieldRef(text: string, param: string): FieldRef {
  let keys: ReturnType<typeof parseSort>;
  try {
    keys = parseSort(text);
  } catch (error) {
    if (isLooplabError(error)) {
      throw new LooplabError("INVALID_ARGUMENT", error.message.replace(/^sort:/, `${param}:`), {
        ...(error.details as object),
        field: param,
      });
    }
    throw error;
  }
  const [first] = keys;
  if (!first || keys.length !== 1 || text.trim().startsWith("-") || text.trim().startsWith("+")) {
    throw invalidArgument(`${param}: expected exactly one field, such as config.lr or tags.team`, { field: param });
  }
  return first.field;
}

const listable = new Set(["status", "group", "name", "host"]);

/** A field whose values can be listed or grouped by: config paths, tags, status, group, name, host. */
export function toValueField(field: FieldRef, param: string): ValueField {
  if (field.kind === "config") return { kind: "config", path: field.path };
  if (field.kind === "tag") return { kind: "tag", key: field.key };
  if (field.kind === "attribute" && listable.has(field.name)) {
    return { kind: "attribute", name: field.name as "status" | "group" | "name" | "host" };
  }
  throw invalidArgument(`${param}: expected config.<path>, tags.<key>, status, group, name or host`, { field: param });
}
