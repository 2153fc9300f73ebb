import type { CoreTables } from "./db-schema.js";
import type { ArtifactTables } from "./kysely/artifact-tables.js";
import type { LogTables } from "./kysely/log-tables.js";
import type { MlflowTables } from "./kysely/mlflow-tables.js";
import type { QueueTables } from "./kysely/queue-tables.js";
import type { RegistryTables } from "./kysely/registry-tables.js";
import type { MetricTables } from "./metrics/metric-tables.js";

export interface Database
  extends CoreTables,
    MetricTables,
    ArtifactTables,
    RegistryTables,
    LogTables,
    MlflowTables,
    QueueTables {}
