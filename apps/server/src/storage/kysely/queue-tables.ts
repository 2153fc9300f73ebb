/** Tables of migration 0006-queue. Times are epoch milliseconds; JSON is stored as text. */
export interface JobsTable {
  id: string;
  run_id: string;
  project_id: string;
  queue: string;
  command_json: string;
  config_json: string;
  gpus: number;
  cpus: number;
  priority: number;
  seq: number;
  state: string;
  attempts: number;
  max_attempts: number;
  cancel_requested: number;
  cancel_reason: string | null;
  outcome: string | null;
  agent_id: string | null;
  lost_agent_id: string | null;
  gpu_indices_json: string;
  lease_expires_at: number | null;
  exit_code: number | null;
  error: string | null;
  sweep_id: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  ended_at: number | null;
}

export interface AgentsTable {
  id: string;
  name: string;
  host: string;
  queues_json: string;
  gpus_json: string;
  cpu_slots: number;
  labels_json: string;
  state: string;
  registered_at: number;
  heartbeat_at: number;
}

export interface QueuesTable {
  name: string;
  concurrency_limit: number | null;
}

export interface QueueTables {
  jobs: JobsTable;
  agents: AgentsTable;
  queues: QueuesTable;
}
