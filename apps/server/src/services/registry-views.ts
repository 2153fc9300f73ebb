import type { ModelVersion, RegisteredModel } from "@looplab/core";
import type { ModelRecord, ModelVersionRecord, RegistryRepo } from "../ports/registry-repo.js";
import type { Store } from "../ports/store.js";

/** Builds the wire views of models and versions, loading tags, aliases and names in batches. */
export function createRegistryViews(store: Store) {
  async function projectNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const id of new Set(ids)) {
      if (id === null) continue;
      const project = await store.projects.getById(id);
      if (project) out.set(id, project.name);
    }
    return out;
  }

  async function versions(records: ModelVersionRecord[], models?: Map<string, ModelRecord>): Promise<ModelVersion[]> {
    if (records.length === 0) return [];
    const repo: RegistryRepo = store.registry;
    const modelIds = [...new Set(records.map((r) => r.modelId))];
    const byId = models ?? new Map((await repo.getModelsByIds(modelIds)).map((m) => [m.id, m]));
    const [tags, aliases, projects] = await Promise.all([
      repo.versionTags(records.map((r) => ({ modelId: r.modelId, version: r.version }))),
      repo.aliases(modelIds),
      projectNames(records.map((r) => r.projectId)),
    ]);
    return records.map((r) => {
      const modelAliases = aliases.get(r.modelId) ?? {};
      return {
        model: byId.get(r.modelId)?.name ?? "",
        version: r.version,
        runId: r.runId,
        project: r.projectId === null ? null : (projects.get(r.projectId) ?? null),
        path: r.path,
        sha256: r.sha256,
        size: r.size,
        fileCount: r.fileCount,
        source: r.source,
        description: r.description,
        tags: tags.get(`${r.modelId}/${r.version}`) ?? {},
        status: "READY" as const,
        stage: r.stage,
        aliases: Object.entries(modelAliases)
          .filter(([, v]) => v === r.version)
          .map(([a]) => a),
        metrics: r.metrics ?? {},
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  async function models(records: ModelRecord[]): Promise<RegisteredModel[]> {
    if (records.length === 0) return [];
    const repo = store.registry;
    const ids = records.map((m) => m.id);
    const [tags, aliases, latest, counts] = await Promise.all([
      repo.modelTags(ids),
      repo.aliases(ids),
      repo.latestVersions(ids),
      repo.countVersions(ids),
    ]);
    const latestRecords = [...latest.values()];
    const latestViews = await versions(latestRecords, new Map(records.map((m) => [m.id, m])));
    const latestById = new Map(latestRecords.map((r, i) => [r.modelId, latestViews[i]]));
    return records.map((m) => ({
      name: m.name,
      description: m.description,
      tags: tags.get(m.id) ?? {},
      aliases: aliases.get(m.id) ?? {},
      latestVersion: latestById.get(m.id) ?? null,
      versionCount: counts.get(m.id) ?? 0,
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      deletedAt: m.deletedAt,
    }));
  }

  return {
    models,
    versions,
    async model(record: ModelRecord): Promise<RegisteredModel> {
      return (await models([record]))[0] as RegisteredModel;
    },
    async version(record: ModelVersionRecord, model?: ModelRecord): Promise<ModelVersion> {
      return (await versions([record], model ? new Map([[model.id, model]]) : undefined))[0] as ModelVersion;
    },
  };
}

export type RegistryViews = ReturnType<typeof createRegistryViews>;
