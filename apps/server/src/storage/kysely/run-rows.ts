import type { RunStatus } from "@looplab/core";
import { flattenConfig } from "@looplab/core";
import type { GitRecord, RunRecord } from "../../ports/store.js";
import type { RunConfigTable, RunsTable } from "../db-schema.js";
import { fromJsonText, toJsonText } from "./json-columns.js";

const num = (v: number | null) => (v === null ? null : Number(v));

export function runFromRow(row: RunsTable, tags: Record<string, string>): RunRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    status: row.status as RunStatus,
    origin: row.origin as RunRecord["origin"],
    group: row.group_name,
    tags,
    notes: row.notes,
    config: JSON.parse(row.config_json) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    startedAt: num(row.started_at),
    endedAt: num(row.ended_at),
    heartbeatAt: num(row.heartbeat_at),
    updatedAt: Number(row.updated_at),
    deletedAt: num(row.deleted_at),
    host: row.host,
    command: row.command,
    git: fromJsonText<GitRecord>(row.git_json),
    environment: fromJsonText<Record<string, unknown>>(row.environment_json),
    parentRunId: row.parent_run_id,
    resumedFrom: row.resumed_from,
  };
}

export function runToRow(record: RunRecord): RunsTable {
  return {
    id: record.id,
    project_id: record.projectId,
    name: record.name,
    status: record.status,
    origin: record.origin,
    group_name: record.group,
    notes: record.notes,
    config_json: JSON.stringify(record.config),
    created_at: record.createdAt,
    started_at: record.startedAt,
    ended_at: record.endedAt,
    heartbeat_at: record.heartbeatAt,
    updated_at: record.updatedAt,
    deleted_at: record.deletedAt,
    host: record.host,
    command: record.command,
    git_json: toJsonText(record.git),
    environment_json: toJsonText(record.environment),
    parent_run_id: record.parentRunId,
    resumed_from: record.resumedFrom,
  };
}

export function configRows(runId: string, config: Record<string, unknown>): RunConfigTable[] {
  return flattenConfig(config).map((leaf) => {
    const row: RunConfigTable = {
      run_id: runId,
      path: leaf.path,
      value_type: leaf.type,
      num_value: null,
      str_value: null,
    };
    if (leaf.type === "number") row.num_value = leaf.value as number;
    else if (leaf.type === "boolean") row.num_value = leaf.value ? 1 : 0;
    else if (leaf.type === "string") row.str_value = leaf.value as string;
    else if (leaf.type === "json") row.str_value = JSON.stringify(leaf.value);
    return row;
  });
}
