import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { createImportService } from "./import-service.js";
import { createMetricService } from "./metric-service.js";
import { createProjectService } from "./project-service.js";
import { createRunService } from "./run-service.js";
import { createSearchService } from "./search-service.js";

export type Services = ReturnType<typeof createServices>;

export function createServices(store: Store, clock: Clock) {
  const projects = createProjectService(store, clock);
  const runs = createRunService(store, projects, clock);
  const metrics = createMetricService(store, runs, clock);
  const search = createSearchService(store, projects);
  const imports = createImportService(store, projects, runs, clock);
  return { store, clock, projects, runs, metrics, search, imports };
}
