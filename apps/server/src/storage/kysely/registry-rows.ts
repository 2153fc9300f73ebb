import type { ModelStage } from "@looplab/core";
import type { Selectable } from "kysely";
import type { ModelRecord, ModelVersionRecord } from "../../ports/registry-repo.js";
import { fromJsonText, toJsonText } from "./json-columns.js";
import type { ModelVersionsTable, RegisteredModelsTable } from "./registry-tables.js";

/** PostgreSQL returns bigint as text: numbers are normalised here. */
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function modelFromRow(row: Selectable<RegisteredModelsTable>): ModelRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    deletedAt: numOrNull(row.deleted_at),
  };
}

export function versionToRow(r: ModelVersionRecord): ModelVersionsTable {
  return {
    model_id: r.modelId,
    version: r.version,
    run_id: r.runId,
    project_id: r.projectId,
    path: r.path,
    sha256: r.sha256,
    size: r.size,
    file_count: r.fileCount,
    source: r.source,
    description: r.description,
    stage: r.stage,
    metrics_json: toJsonText(r.metrics),
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

export function versionFromRow(row: Selectable<ModelVersionsTable>): ModelVersionRecord {
  return {
    modelId: row.model_id,
    version: num(row.version),
    runId: row.run_id,
    projectId: row.project_id,
    path: row.path,
    sha256: row.sha256,
    size: num(row.size),
    fileCount: num(row.file_count),
    source: row.source,
    description: row.description,
    stage: row.stage as ModelStage,
    metrics: fromJsonText<Record<string, number | null>>(row.metrics_json),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export const versionKey = (modelId: string, version: number) => `${modelId}/${version}`;
