/**
 * MLflow-only data (migration 0010-mlflow): what an MLflow client stores that has no Looplab
 * home. Experiments map 1:1 onto projects; everything else references runs or experiments.
 */
export interface MlflowExperimentRecord {
  experimentId: number;
  name: string;
  projectId: string;
  artifactLocation: string;
}

export interface MlflowRunIoRecord {
  runId: string;
  /** "input" (datasets, models used) or "output" (models produced). */
  direction: "input" | "output";
  /** Dedup key within a run and direction (e.g. dataset name + digest + context). */
  identity: string;
  payload: unknown;
  createdAt: number;
}

export interface MlflowLoggedModelRecord {
  modelId: string;
  experimentId: number;
  runId: string | null;
  /** The MLflow LoggedModel's fields other than ids and times (name, status, tags, params…). */
  payload: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface MlflowRepo {
  /** Inserts with the next free id (≥ 1; id 0 is the Default experiment, inserted explicitly). */
  createExperiment(record: Omit<MlflowExperimentRecord, "experimentId"> & { experimentId?: number }): Promise<number>;
  getExperiment(experimentId: number): Promise<MlflowExperimentRecord | null>;
  getExperimentByName(name: string): Promise<MlflowExperimentRecord | null>;
  getExperimentByProject(projectId: string): Promise<MlflowExperimentRecord | null>;
  getExperimentsByProjects(projectIds: string[]): Promise<MlflowExperimentRecord[]>;
  listExperiments(): Promise<MlflowExperimentRecord[]>;
  renameExperiment(experimentId: number, name: string): Promise<void>;
  setExperimentTag(experimentId: number, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: number, key: string): Promise<boolean>;
  listExperimentTags(experimentIds: number[]): Promise<Map<number, Record<string, string>>>;
  /** Adds inputs/outputs; an identity already stored for the run and direction is kept as is. */
  addRunIo(records: MlflowRunIoRecord[]): Promise<void>;
  listRunIo(runIds: string[]): Promise<MlflowRunIoRecord[]>;
  putLoggedModel(record: MlflowLoggedModelRecord): Promise<void>;
  getLoggedModel(modelId: string): Promise<MlflowLoggedModelRecord | null>;
  /** Live models of the experiments, newest first, at most `limit` from `offset`. */
  listLoggedModels(experimentIds: number[], offset: number, limit: number): Promise<MlflowLoggedModelRecord[]>;
}
