import type { CoreTables } from "./db-schema.js";
import type { ArtifactTables } from "./kysely/artifact-tables.js";
import type { MetricTables } from "./metrics/metric-tables.js";

export interface Database extends CoreTables, MetricTables, ArtifactTables {}
