import type { Store } from "../ports/store.js";
import { type ArtifactServiceOptions, createArtifactService } from "./artifact-service.js";
import { createBulkService } from "./bulk-service.js";
import type { Clock } from "./clock.js";
import { createEventBus, type EventBusOptions } from "./event-bus.js";
import { createGroupService } from "./group-service.js";
import { createImportService } from "./import-service.js";
import { createKeyCatalogService } from "./key-catalog-service.js";
import { createLogService } from "./log-service.js";
import { createMetricService } from "./metric-service.js";
import { createProjectService } from "./project-service.js";
import { createQueueService, type QueueServiceOptions } from "./queue-service.js";
import { createRegistryService } from "./registry-service.js";
import { createRunService } from "./run-service.js";
import { createSearchService } from "./search-service.js";
import { createSweepService } from "./sweep-service.js";
import { createViewService } from "./view-service.js";

export type Services = ReturnType<typeof createServices>;

export function createServices(
  store: Store,
  clock: Clock,
  options: { events?: EventBusOptions; artifacts?: ArtifactServiceOptions; queue?: QueueServiceOptions } = {},
) {
  const events = createEventBus(store, clock, options.events);
  const projects = createProjectService(store, clock);
  const runs = createRunService(store, projects, clock, events);
  const metrics = createMetricService(store, runs, clock, events);
  const logs = createLogService(store, runs, clock, events);
  const search = createSearchService(store, projects);
  const imports = createImportService(store, projects, runs, clock);
  const keys = createKeyCatalogService(store, projects);
  const groups = createGroupService(store, projects, clock);
  const views = createViewService(store, projects, clock);
  const bulk = createBulkService(store, projects, clock, events);
  const artifacts = createArtifactService(store, projects, runs, clock, options.artifacts);
  const registry = createRegistryService(store, clock, artifacts.blobs);
  const queue = createQueueService(store, projects, clock, options.queue, events);
  const sweeps = createSweepService(store, projects, queue, clock);
  return {
    store,
    clock,
    projects,
    runs,
    metrics,
    logs,
    search,
    imports,
    events,
    keys,
    groups,
    views,
    bulk,
    artifacts,
    registry,
    queue,
    sweeps,
  };
}
