import type { FieldRef } from "@looplab/core";

/**
 * The storage port for the dashboard's reads and writes (docs/dashboard-api.md): key
 * catalogue, group aggregates, saved views and bulk run changes. Part of `StoreRepos`
 * as `dashboard`; the Kysely adapter implements it for SQLite and PostgreSQL.
 */

export type ConfigValueType = "number" | "string" | "boolean" | "null" | "json";

export interface KeyListRequest {
  projectId: string;
  limit: number;
  prefix?: string | undefined;
}

export interface KeyCatalogRecord {
  config: { path: string; types: ConfigValueType[]; runs: number }[];
  metrics: { key: string; runs: number }[];
  tags: { key: string; runs: number }[];
  truncated: { config: boolean; metrics: boolean; tags: boolean };
}

/** A field whose distinct values can be listed or grouped by. */
export type ValueField =
  | { kind: "config"; path: string }
  | { kind: "tag"; key: string }
  | { kind: "attribute"; name: "status" | "group" | "name" | "host" };

export type FieldValue = string | number | boolean | null;

export interface ValueListRequest {
  projectId: string;
  field: ValueField;
  prefix?: string | undefined;
  limit: number;
}

export interface GroupRequest {
  projectId: string;
  /** Filter text ("" for every run). */
  filter: string;
  groupBy: ValueField;
  /** Numeric fields aggregated per group, as parsed by the filter language. */
  fields: FieldRef[];
  limit: number;
  offset: number;
  includeDeleted: boolean;
  /** Epoch ms standing in for `endedAt` of unfinished runs in `duration`. */
  now: number;
}

export interface FieldStatsRecord {
  n: number;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
}

export interface GroupRecord {
  value: FieldValue;
  count: number;
  /** In the order of `GroupRequest.fields`. */
  stats: FieldStatsRecord[];
}

export interface SavedViewRecord {
  name: string;
  state: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

export interface KeyCatalogRepo {
  listKeys(request: KeyListRequest): Promise<KeyCatalogRecord>;
  /** Most frequent first; `truncated` when more distinct values exist. */
  listValues(
    request: ValueListRequest,
  ): Promise<{ values: { value: FieldValue; count: number }[]; truncated: boolean }>;
}

export interface GroupAggregatesRepo {
  /** Groups ordered by count (descending), then value; `total` is the number of groups. */
  groupRuns(request: GroupRequest): Promise<{ groups: GroupRecord[]; total: number }>;
}

export interface ViewRepo {
  list(projectId: string): Promise<SavedViewRecord[]>;
  get(projectId: string, name: string): Promise<SavedViewRecord | null>;
  /** False when the name is taken. */
  create(projectId: string, view: SavedViewRecord): Promise<boolean>;
  /** Creates or replaces the state (createdAt kept when it exists). */
  put(projectId: string, view: SavedViewRecord): Promise<SavedViewRecord>;
  delete(projectId: string, name: string): Promise<boolean>;
}

export interface RunBulkRepo {
  /** Sets tags on runs (replacing values of the same keys); returns the ids whose tags changed. */
  addTags(runIds: string[], tags: Record<string, string>, now: number): Promise<string[]>;
  /** Removes tag keys; returns the ids that had at least one of them. */
  removeTags(runIds: string[], keys: string[], now: number): Promise<string[]>;
  /** Soft-deletes (a time) or restores (null) runs; returns the ids whose state changed. */
  setDeleted(runIds: string[], deletedAt: number | null, now: number): Promise<string[]>;
}

export interface DashboardRepos {
  keys: KeyCatalogRepo;
  groups: GroupAggregatesRepo;
  views: ViewRepo;
  bulk: RunBulkRepo;
}
