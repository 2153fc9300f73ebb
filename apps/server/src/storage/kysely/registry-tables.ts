/** Tables of migration 0009-model-registry. Times are epoch milliseconds; JSON is stored as text. */
export interface RegisteredModelsTable {
  id: string;
  name: string;
  description: string;
  next_version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface RegisteredModelTagsTable {
  model_id: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  model_id: string;
  version: number;
  run_id: string;
  project_id: string | null;
  path: string;
  sha256: string | null;
  size: number;
  file_count: number;
  source: string;
  description: string;
  stage: string;
  metrics_json: string | null;
  created_at: number;
  updated_at: number;
}

export interface ModelVersionTagsTable {
  model_id: string;
  version: number;
  key: string;
  value: string;
}

export interface ModelVersionFilesTable {
  model_id: string;
  version: number;
  path: string;
  sha256: string;
  size: number;
}

export interface ModelAliasesTable {
  model_id: string;
  alias: string;
  version: number;
}

export interface RegistryTables {
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  model_version_files: ModelVersionFilesTable;
  model_aliases: ModelAliasesTable;
}
