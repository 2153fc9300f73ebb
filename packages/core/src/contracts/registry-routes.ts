import { z } from "zod";
import { booleanQuery, runIdSchema } from "../schemas/common.js";
import {
  createModelBody,
  createModelVersionBody,
  downloadModelVersionQuery,
  listModelsQuery,
  listVersionsQuery,
  modelAliasSchema,
  modelListSchema,
  modelNameSchema,
  modelVersionFilesSchema,
  modelVersionListSchema,
  modelVersionNumberSchema,
  modelVersionSchema,
  registeredModelSchema,
  runModelVersionsSchema,
  setModelAliasBody,
  updateModelBody,
  updateModelVersionBody,
} from "../schemas/registry.js";
import type { RouteContract } from "./route-contract.js";

const modelParams = z.object({ name: modelNameSchema });
const versionParams = z.object({ name: modelNameSchema, version: modelVersionNumberSchema });
const aliasParams = z.object({ name: modelNameSchema, alias: modelAliasSchema });
const okSchema = z.object({ ok: z.literal(true) });

/** The model registry (docs/registry.md). Model names are URL-encoded in paths. */
export const registryRoutes = {
  listModels: {
    method: "GET",
    path: "/api/v1/models",
    summary: "Registered models, by name, with their latest version and aliases (q: name contains)",
    query: listModelsQuery,
    response: modelListSchema,
  },
  createModel: {
    method: "POST",
    path: "/api/v1/models",
    summary: "Register a model name (409 if it exists)",
    body: createModelBody,
    response: registeredModelSchema,
    status: 201,
  },
  getModel: {
    method: "GET",
    path: "/api/v1/models/:name",
    summary: "A registered model",
    params: modelParams,
    query: z.object({ includeDeleted: booleanQuery.default(false) }),
    response: registeredModelSchema,
  },
  updateModel: {
    method: "PATCH",
    path: "/api/v1/models/:name",
    summary: "Rename a model, change its description or set/remove tags",
    params: modelParams,
    body: updateModelBody,
    response: registeredModelSchema,
  },
  deleteModel: {
    method: "DELETE",
    path: "/api/v1/models/:name",
    summary: "Soft-delete a model (purge=true deletes it, its versions and aliases for good)",
    params: modelParams,
    query: z.object({ purge: booleanQuery.default(false) }),
    response: okSchema,
  },
  restoreModel: {
    method: "POST",
    path: "/api/v1/models/:name/restore",
    summary: "Restore a soft-deleted model",
    params: modelParams,
    response: registeredModelSchema,
  },
  listModelVersions: {
    method: "GET",
    path: "/api/v1/models/:name/versions",
    summary: "A model's versions, newest first",
    params: modelParams,
    query: listVersionsQuery,
    response: modelVersionListSchema,
  },
  createModelVersion: {
    method: "POST",
    path: "/api/v1/models/:name/versions",
    summary:
      "Register a run's artifact (a file or a folder) as the next version; 404 if the run or artifact does not exist. The version pins the bytes",
    params: modelParams,
    body: createModelVersionBody,
    response: modelVersionSchema,
    status: 201,
  },
  getModelVersion: {
    method: "GET",
    path: "/api/v1/models/:name/versions/:version",
    summary: "One version of a model",
    params: versionParams,
    response: modelVersionSchema,
  },
  updateModelVersion: {
    method: "PATCH",
    path: "/api/v1/models/:name/versions/:version",
    summary:
      "Change a version's description, tags or stage (archiveExistingVersions archives the others in that stage)",
    params: versionParams,
    body: updateModelVersionBody,
    response: modelVersionSchema,
  },
  deleteModelVersion: {
    method: "DELETE",
    path: "/api/v1/models/:name/versions/:version",
    summary: "Delete a version (its aliases go with it; its bytes are released)",
    params: versionParams,
    response: okSchema,
  },
  listModelVersionFiles: {
    method: "GET",
    path: "/api/v1/models/:name/versions/:version/files",
    summary: "The files a version pins (path in the run, sha256, size), by path",
    params: versionParams,
    query: listVersionsQuery,
    response: modelVersionFilesSchema,
  },
  downloadModelVersion: {
    method: "GET",
    path: "/api/v1/models/:name/versions/:version/content",
    summary:
      "Stream a version's bytes (path= picks a file of a folder version); served from the pinned blob, so it works after the run is purged",
    params: versionParams,
    query: downloadModelVersionQuery,
  },
  getModelAlias: {
    method: "GET",
    path: "/api/v1/models/:name/aliases/:alias",
    summary: "The version an alias points at",
    params: aliasParams,
    response: modelVersionSchema,
  },
  setModelAlias: {
    method: "PUT",
    path: "/api/v1/models/:name/aliases/:alias",
    summary: "Point an alias at a version (moves it if it points elsewhere)",
    params: aliasParams,
    body: setModelAliasBody,
    response: modelVersionSchema,
  },
  deleteModelAlias: {
    method: "DELETE",
    path: "/api/v1/models/:name/aliases/:alias",
    summary: "Remove an alias",
    params: aliasParams,
    response: okSchema,
  },
  runModelVersions: {
    method: "GET",
    path: "/api/v1/runs/:runId/model-versions",
    summary: "Model versions registered from a run",
    params: z.object({ runId: runIdSchema }),
    response: runModelVersionsSchema,
  },
} as const satisfies Record<string, RouteContract>;
