import type { Store } from "../ports/store.js";
import { type ArtifactServiceOptions, createArtifactService } from "./artifact-service.js";
import { createBulkService } from "./bulk-service.js";
import type { Clock } from "./clock.js";
import { createEventBus, type EventBusOptions } from "./event-bus.js";
import { createGroupService } from "./group-service.js";
import { createImportService } from "./import-service.js";
import { createKeyCatalogService } from "./key-catalog-service.js";
import { createMetricService } from "./metric-service.js";
import { createProjectService } from "./project-service.js";
import { createRunService } from "./run-service.js";
import { createSearchService } from "./search-service.js";
import { createViewService } from "./view-service.js";

export type Services = ReturnType<typeof createServices>;

export function createServices(
  store: Store,
  clock: Clock,
  options: { events?: EventBusOptions; artifacts?: ArtifactServiceOptions } = {},
) {
  const events = createEventBus(store, clock, options.events);
  const projects = createProjectService(store, clock);
  const runs = createRunService(store, projects, clock, events);
  const metrics = createMetricService(store, runs, clock, events);
  const search = createSearchService(store, projects);
  const imports = createImportService(store, projects, runs, clock);
  const keys = createKeyCatalogService(store, projects);
  const groups = createGroupService(store, projects, clock);
  const views = createViewService(store, projects, clock);
  const bulk = createBulkService(store, projects, clock, events);
  const artifacts = createArtifactService(store, projects, runs, clock, options.artifacts);
  return { store, clock, projects, runs, metrics, search, imports, events, keys, groups, views, bulk, artifacts };
}
