import { invalidArgument } from "@looplab/core";

/**
 * Page tokens are opaque to clients: base64url JSON of an offset or cursor plus a fingerprint
 * of the query, so a token reused with a different filter or sort is refused, not misread.
 */
export function encodePageToken(payload: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

export function decodePageToken(token: string, field = "pageToken"): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the typed error
  }
  throw invalidArgument(`${field} is not a valid page token`, { field });
}

export function fingerprint(...parts: unknown[]): string {
  let hash = 2166136261;
  for (const ch of JSON.stringify(parts)) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 16777619) >>> 0;
  }
  return hash.toString(36);
}
