import { randomUUID } from "node:crypto";

/** 32 lowercase hex characters: a uuid4 without dashes (DESIGN.md §4). */
export function newId(): string {
  return randomUUID().replaceAll("-", "");
}
