/** Tables of migration 0010-mlflow. Times are epoch milliseconds; JSON is stored as text. */
export interface MlflowExperimentsTable {
  experiment_id: number;
  name: string;
  project_id: string;
  artifact_location: string;
}

export interface MlflowExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface MlflowRunIoTable {
  run_id: string;
  direction: string;
  identity: string;
  payload_json: string;
  created_at: number;
}

export interface MlflowLoggedModelsTable {
  model_id: string;
  experiment_id: number;
  run_id: string | null;
  payload_json: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface MlflowTables {
  mlflow_experiments: MlflowExperimentsTable;
  mlflow_experiment_tags: MlflowExperimentTagsTable;
  mlflow_run_io: MlflowRunIoTable;
  mlflow_logged_models: MlflowLoggedModelsTable;
}
