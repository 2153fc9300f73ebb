import {
  alreadyExists,
  type CreateModelBody,
  type CreateModelVersionBody,
  createModelBody,
  createModelVersionBody,
  invalidArgument,
  type ModelStage,
  type ModelVersion,
  notFound,
  type RegisteredModel,
  type UpdateModelBody,
  type UpdateModelVersionBody,
  updateModelBody,
  updateModelVersionBody,
} from "@looplab/core";
import type { BlobStore } from "../ports/blob-store.js";
import type {
  ModelRecord,
  ModelSearchRequest,
  ModelVersionRecord,
  VersionSearchRequest,
} from "../ports/registry-repo.js";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import { decodePageToken, encodePageToken, fingerprint } from "./page-token.js";
import { MAX_VERSION_FILES, normaliseModelPath, resolveModelArtifact } from "./registry-artifacts.js";
import { createRegistryViews } from "./registry-views.js";

export type RegistryService = ReturnType<typeof createRegistryService>;

/** Model search without paging fields; the service pages with tokens. */
export type ModelSearch = Omit<ModelSearchRequest, "offset" | "limit">;
export type VersionSearch = Omit<VersionSearchRequest, "offset" | "limit">;

export interface CreateVersionOptions {
  /** MLflow semantics: a source whose artifact is not (yet) stored is accepted, pinning nothing. */
  allowMissingArtifact?: boolean;
  /**
   * Overrides `path` (the MLflow adapter): "" is every file of the run, null a source Looplab
   * cannot map to files (nothing is pinned).
   */
  path?: string | null;
}

const MAX_RUN_METRICS = 200;

function likeEscape(text: string): string {
  return text.replace(/[%_\\]/g, "");
}

/** The model registry (docs/registry.md); the native routes and the MLflow adapter both use it. */
export function createRegistryService(store: Store, clock: Clock, blobs: BlobStore) {
  const views = createRegistryViews(store);

  async function requireModel(name: string, opts: { includeDeleted?: boolean } = {}): Promise<ModelRecord> {
    const model = await store.registry.getModelByName(name);
    if (!model || (model.deletedAt !== null && !opts.includeDeleted)) {
      throw notFound(`registered model '${name}' not found`, { model: name });
    }
    return model;
  }

  async function requireVersion(name: string, version: number) {
    const model = await requireModel(name);
    const record = await store.registry.getVersion(model.id, version);
    if (!record) throw notFound(`version ${version} of model '${name}' not found`, { model: name, version });
    return { model, record };
  }

  function offsetOf(pageToken: string | undefined, fp: string): number {
    if (!pageToken) return 0;
    const token = decodePageToken(pageToken);
    if (token.f !== fp || typeof token.o !== "number" || token.o < 0) {
      throw invalidArgument("pageToken does not belong to this query", { field: "pageToken" });
    }
    return token.o;
  }

  async function snapshotMetrics(runId: string): Promise<Record<string, number | null>> {
    const series = await store.metrics.listSeries(runId);
    const out: Record<string, number | null> = {};
    for (const s of series.slice(0, MAX_RUN_METRICS)) {
      out[s.key] = s.last === null || !Number.isFinite(s.last) ? null : s.last;
    }
    return out;
  }

  async function touchModel(model: ModelRecord, now: number): Promise<void> {
    await store.registry.updateModel(model.id, { updatedAt: now });
  }

  const service = {
    views,
    requireModel,
    requireVersion,

    async searchModels(
      search: ModelSearch,
      page: { pageToken?: string | undefined; limit: number },
    ): Promise<{ models: RegisteredModel[]; nextPageToken: string | null }> {
      const fp = fingerprint("models", search);
      const offset = offsetOf(page.pageToken, fp);
      const rows = await store.registry.searchModels({ ...search, offset, limit: page.limit + 1 });
      const models = await views.models(rows.slice(0, page.limit));
      const nextPageToken = rows.length > page.limit ? encodePageToken({ o: offset + page.limit, f: fp }) : null;
      return { models, nextPageToken };
    },

    /** One page at an offset (the MLflow adapter pages with MLflow's own offset tokens). */
    async modelPage(search: ModelSearch, offset: number, limit: number) {
      const rows = await store.registry.searchModels({ ...search, offset, limit: limit + 1 });
      return {
        models: await views.models(rows.slice(0, limit)),
        records: rows.slice(0, limit),
        more: rows.length > limit,
      };
    },

    async versionPage(search: VersionSearch, offset: number, limit: number) {
      const rows = await store.registry.searchVersions({ ...search, offset, limit: limit + 1 });
      return { versions: await views.versions(rows.slice(0, limit)), more: rows.length > limit };
    },

    async list(query: {
      q?: string | undefined;
      includeDeleted: boolean;
      pageToken?: string | undefined;
      limit: number;
    }) {
      const q = query.q?.trim();
      return await service.searchModels(
        {
          name: q ? [{ op: "ILIKE", value: `%${likeEscape(q)}%` }] : [],
          tags: [],
          includeDeleted: query.includeDeleted,
          orderBy: [{ field: "name", desc: false }],
        },
        query,
      );
    },

    async createModel(input: CreateModelBody): Promise<RegisteredModel> {
      const body = createModelBody.parse(input);
      const existing = await store.registry.getModelByName(body.name);
      if (existing) {
        const hint = existing.deletedAt === null ? "" : " (it is deleted: restore it or delete it with purge=true)";
        throw alreadyExists(`registered model '${body.name}' already exists${hint}`, { model: body.name });
      }
      const now = clock.now();
      const record: ModelRecord = {
        id: newId(),
        name: body.name,
        description: body.description,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      try {
        await store.transaction(async (tx) => {
          await tx.registry.insertModel(record);
          await tx.registry.setModelTags(record.id, body.tags);
        });
      } catch (error) {
        // Two requests registering one name at once: the loser gets the same 409 as a late one.
        if (await store.registry.getModelByName(body.name)) {
          throw alreadyExists(`registered model '${body.name}' already exists`, { model: body.name });
        }
        throw error;
      }
      return await views.model(record);
    },

    async getModel(name: string, includeDeleted = false): Promise<RegisteredModel> {
      return await views.model(await requireModel(name, { includeDeleted }));
    },

    async updateModel(name: string, input: UpdateModelBody): Promise<RegisteredModel> {
      const body = updateModelBody.parse(input);
      const model = await requireModel(name);
      if (body.newName !== undefined && body.newName !== model.name) {
        if (await store.registry.getModelByName(body.newName)) {
          throw alreadyExists(`registered model '${body.newName}' already exists`, { model: body.newName });
        }
      }
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.registry.updateModel(model.id, {
          ...(body.newName !== undefined ? { name: body.newName } : {}),
          ...(body.description !== undefined ? { description: body.description } : {}),
          updatedAt: now,
        });
        if (body.tags) await tx.registry.setModelTags(model.id, body.tags);
        if (body.removeTags) await tx.registry.deleteModelTags(model.id, body.removeTags);
      });
      return await service.getModel(body.newName ?? model.name);
    },

    async deleteModel(name: string, purge: boolean): Promise<void> {
      const model = await requireModel(name, { includeDeleted: purge });
      const now = clock.now();
      if (purge) await store.transaction((tx) => tx.registry.purgeModel(model.id, now));
      else await store.registry.updateModel(model.id, { deletedAt: now, updatedAt: now });
    },

    async restoreModel(name: string): Promise<RegisteredModel> {
      const model = await requireModel(name, { includeDeleted: true });
      if (model.deletedAt !== null)
        await store.registry.updateModel(model.id, { deletedAt: null, updatedAt: clock.now() });
      return await service.getModel(name);
    },

    async searchVersions(
      search: VersionSearch,
      page: { pageToken?: string | undefined; limit: number },
    ): Promise<{ versions: ModelVersion[]; nextPageToken: string | null }> {
      const fp = fingerprint("versions", search);
      const offset = offsetOf(page.pageToken, fp);
      const rows = await store.registry.searchVersions({ ...search, offset, limit: page.limit + 1 });
      const versions = await views.versions(rows.slice(0, page.limit));
      const nextPageToken = rows.length > page.limit ? encodePageToken({ o: offset + page.limit, f: fp }) : null;
      return { versions, nextPageToken };
    },

    async listVersions(name: string, page: { pageToken?: string | undefined; limit: number }) {
      const model = await requireModel(name);
      return await service.searchVersions(
        {
          modelIds: [model.id],
          name: [],
          source: [],
          tags: [],
          includeDeletedModels: false,
          orderBy: [{ field: "version", desc: true }],
        },
        page,
      );
    },

    async createVersion(
      name: string,
      input: CreateModelVersionBody,
      options: CreateVersionOptions = {},
    ): Promise<ModelVersion> {
      const body = createModelVersionBody.parse(input);
      const model = await requireModel(name);
      const run = await store.runs.get(body.runId);
      if (!run) throw notFound(`run '${body.runId}' not found`, { runId: body.runId });
      const wanted = options.path === undefined ? body.path : options.path;
      const path = wanted === null ? "" : normaliseModelPath(wanted);
      const artifact = wanted === null ? null : await resolveModelArtifact(store, run.id, path);
      if (!artifact && !options.allowMissingArtifact && wanted !== null) {
        throw notFound(`run '${run.id}' has no artifact at '${path}'`, { runId: run.id, path });
      }
      if (artifact && artifact.fileCount > MAX_VERSION_FILES) {
        throw invalidArgument(`'${path}' holds more than ${MAX_VERSION_FILES} files; register a smaller folder`);
      }
      const metrics = await snapshotMetrics(run.id);
      const now = clock.now();
      const record = await store.transaction(async (tx) => {
        const version = await tx.registry.nextVersion(model.id);
        const record: ModelVersionRecord = {
          modelId: model.id,
          version,
          runId: run.id,
          projectId: run.projectId,
          path,
          sha256: artifact?.sha256 ?? null,
          size: artifact?.size ?? 0,
          fileCount: artifact?.fileCount ?? 0,
          source: body.source ?? `runs:/${run.id}/${path}`,
          description: body.description,
          stage: "None",
          metrics,
          createdAt: now,
          updatedAt: now,
        };
        await tx.registry.insertVersion(record, artifact?.files ?? []);
        await tx.registry.setVersionTags(model.id, version, body.tags);
        await tx.registry.updateModel(model.id, { updatedAt: now });
        return record;
      });
      return await views.version(record, model);
    },

    async getVersion(name: string, version: number): Promise<ModelVersion> {
      const { model, record } = await requireVersion(name, version);
      return await views.version(record, model);
    },

    async updateVersion(name: string, version: number, input: UpdateModelVersionBody): Promise<ModelVersion> {
      const body = updateModelVersionBody.parse(input);
      const { model, record } = await requireVersion(name, version);
      const now = clock.now();
      await store.transaction(async (tx) => {
        if (body.stage !== undefined && body.stage !== record.stage) {
          if (body.archiveExistingVersions && (body.stage === "Staging" || body.stage === "Production")) {
            for (const other of await tx.registry.versionsInStage(model.id, body.stage)) {
              if (other.version !== version) {
                await tx.registry.updateVersion(model.id, other.version, { stage: "Archived", updatedAt: now });
              }
            }
          }
        }
        await tx.registry.updateVersion(model.id, version, {
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.stage !== undefined ? { stage: body.stage } : {}),
          updatedAt: now,
        });
        if (body.tags) await tx.registry.setVersionTags(model.id, version, body.tags);
        if (body.removeTags) await tx.registry.deleteVersionTags(model.id, version, body.removeTags);
        await tx.registry.updateModel(model.id, { updatedAt: now });
      });
      return await service.getVersion(name, version);
    },

    async deleteVersion(name: string, version: number): Promise<void> {
      const { model } = await requireVersion(name, version);
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.registry.deleteVersion(model.id, version, now);
        await tx.registry.updateModel(model.id, { updatedAt: now });
      });
    },

    /** The newest version in each stage asked for (every stage when none is given). */
    async latestVersions(name: string, stages: ModelStage[]): Promise<ModelVersion[]> {
      const model = await requireModel(name);
      const wanted: ModelStage[] = stages.length > 0 ? stages : ["None", "Staging", "Production", "Archived"];
      const out: ModelVersionRecord[] = [];
      for (const stage of wanted) {
        const [newest] = await store.registry.versionsInStage(model.id, stage);
        if (newest) out.push(newest);
      }
      return await views.versions(out, new Map([[model.id, model]]));
    },

    async getAlias(name: string, alias: string): Promise<ModelVersion> {
      const model = await requireModel(name);
      const version = await store.registry.getAlias(model.id, alias);
      if (version === null) throw notFound(`model '${name}' has no alias '${alias}'`, { model: name, alias });
      return await service.getVersion(name, version);
    },

    async setAlias(name: string, alias: string, version: number): Promise<ModelVersion> {
      if (/^v\d+$/i.test(alias) || alias.toLowerCase() === "latest") {
        throw invalidArgument(`alias '${alias}' is reserved (latest and v<number> name versions)`, { alias });
      }
      const { model } = await requireVersion(name, version);
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.registry.setAlias(model.id, alias, version);
        await tx.registry.updateModel(model.id, { updatedAt: now });
      });
      return await service.getVersion(name, version);
    },

    async deleteAlias(name: string, alias: string): Promise<void> {
      const model = await requireModel(name);
      if (!(await store.registry.deleteAlias(model.id, alias))) {
        throw notFound(`model '${name}' has no alias '${alias}'`, { model: name, alias });
      }
      await touchModel(model, clock.now());
    },

    async listFiles(name: string, version: number, page: { pageToken?: string | undefined; limit: number }) {
      const { model } = await requireVersion(name, version);
      const rows = await store.registry.versionFiles(model.id, version, page.pageToken ?? null, page.limit + 1);
      const files = rows.slice(0, page.limit);
      return { files, nextPageToken: rows.length > page.limit ? (files.at(-1)?.path ?? null) : null };
    },

    /** A pinned file and a stream of its bytes (the blob, whatever became of the run). */
    async openFile(name: string, version: number, path: string | undefined) {
      const { model, record } = await requireVersion(name, version);
      const wanted = path === undefined ? (record.fileCount === 1 ? record.path : null) : normaliseModelPath(path);
      if (wanted === null) {
        throw invalidArgument(`version ${version} of '${name}' is a folder of ${record.fileCount} files: pass path=`);
      }
      const file = await store.registry.versionFile(model.id, version, wanted);
      if (!file) throw notFound(`version ${version} of '${name}' has no file '${wanted}'`, { path: wanted });
      const stream = await blobs.get(file.sha256);
      if (!stream) throw notFound(`the bytes of '${wanted}' (sha256 ${file.sha256}) are missing from the store`);
      return { file, stream };
    },

    async versionsOfRun(runId: string): Promise<{ versions: ModelVersion[] }> {
      const run = await store.runs.get(runId);
      if (!run) throw notFound(`run '${runId}' not found`, { runId });
      return { versions: await views.versions(await store.registry.versionsOfRun(runId, 1000)) };
    },
  };
  return service;
}
