import type { ModelVersion, RegisteredModel } from "@looplab/core";
import { compact } from "../mlflow-json.js";

/** Looplab registry views → MLflow's RegisteredModel and ModelVersion messages (MLFLOW-API.md §4.2). */

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([key, value]) => ({ key, value }));

export function toMlflowVersion(v: ModelVersion) {
  return compact({
    name: v.model,
    version: String(v.version),
    creation_timestamp: v.createdAt,
    last_updated_timestamp: v.updatedAt,
    current_stage: v.stage,
    description: v.description === "" ? undefined : v.description,
    source: v.source,
    run_id: v.runId,
    status: v.status,
    tags: tagList(v.tags),
    aliases: v.aliases,
  });
}

export function toMlflowModel(m: RegisteredModel, latestVersions: ModelVersion[]) {
  return compact({
    name: m.name,
    creation_timestamp: m.createdAt,
    last_updated_timestamp: m.updatedAt,
    description: m.description === "" ? undefined : m.description,
    latest_versions: latestVersions.map(toMlflowVersion),
    tags: tagList(m.tags),
    aliases: Object.entries(m.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  });
}
