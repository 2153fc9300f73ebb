import {
  alreadyExists,
  type CreateProjectBody,
  failedPrecondition,
  type MetricDefinition,
  notFound,
  type Project,
} from "@looplab/core";
import type { ProjectRecord, Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import { decodePageToken, encodePageToken } from "./page-token.js";

export type ProjectService = ReturnType<typeof createProjectService>;

export function createProjectService(store: Store, clock: Clock) {
  async function view(record: ProjectRecord): Promise<Project> {
    const [definitions, counts] = await Promise.all([
      store.projects.listMetricDefinitions(record.id),
      store.projects.countRuns([record.id]),
    ]);
    return { ...record, metricDefinitions: definitions, runCount: counts.get(record.id) ?? 0 };
  }

  /** The project by name; soft-deleted ones only when asked for. */
  async function require(name: string, opts: { includeDeleted?: boolean } = {}): Promise<ProjectRecord> {
    const project = await store.projects.getByName(name);
    if (!project || (project.deletedAt !== null && !opts.includeDeleted)) {
      throw notFound(`project '${name}' not found`, { project: name });
    }
    return project;
  }

  return {
    require,
    view,

    async list(opts: { pageToken?: string | undefined; limit: number; includeDeleted: boolean }) {
      const offset = opts.pageToken ? Number(decodePageToken(opts.pageToken).o ?? 0) : 0;
      const rows = await store.projects.list({ offset, limit: opts.limit + 1, includeDeleted: opts.includeDeleted });
      const page = rows.slice(0, opts.limit);
      const counts = await store.projects.countRuns(page.map((p) => p.id));
      const projects: Project[] = [];
      for (const p of page) {
        projects.push({
          ...p,
          metricDefinitions: await store.projects.listMetricDefinitions(p.id),
          runCount: counts.get(p.id) ?? 0,
        });
      }
      const nextPageToken = rows.length > opts.limit ? encodePageToken({ o: offset + opts.limit }) : null;
      return { projects, nextPageToken };
    },

    async create(body: CreateProjectBody): Promise<Project> {
      const existing = await store.projects.getByName(body.name);
      if (existing) throw alreadyExists(`project '${body.name}' already exists`, { project: body.name });
      const now = clock.now();
      const record: ProjectRecord = {
        id: newId(),
        name: body.name,
        description: body.description,
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      await store.projects.create(record);
      return await view(record);
    },

    /** Returns the live project, creating it when missing (`init` creates a missing project). */
    async ensure(name: string): Promise<ProjectRecord> {
      const existing = await store.projects.getByName(name);
      if (existing) {
        if (existing.deletedAt !== null) {
          throw failedPrecondition(`project '${name}' is deleted; restore it before logging to it`, { project: name });
        }
        return existing;
      }
      const now = clock.now();
      const record: ProjectRecord = {
        id: newId(),
        name,
        description: "",
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      try {
        await store.projects.create(record);
        return record;
      } catch (error) {
        // Two first runs of one project racing: the loser reads the winner's row.
        const winner = await store.projects.getByName(name);
        if (winner) return winner;
        throw error;
      }
    },

    async update(name: string, patch: { description?: string | undefined }): Promise<Project> {
      const project = await require(name);
      await store.projects.update(project.id, { ...patch, updatedAt: clock.now() });
      return await view(await require(name));
    },

    async remove(name: string, purge: boolean): Promise<void> {
      const project = await require(name, { includeDeleted: true });
      if (purge) await store.transaction((repos) => repos.projects.purge(project.id));
      else await store.projects.update(project.id, { deletedAt: clock.now(), updatedAt: clock.now() });
    },

    async restore(name: string): Promise<Project> {
      const project = await require(name, { includeDeleted: true });
      await store.projects.update(project.id, { deletedAt: null, updatedAt: clock.now() });
      return await view(await require(name));
    },

    async putMetricDefinition(name: string, def: MetricDefinition): Promise<MetricDefinition> {
      const project = await require(name);
      await store.projects.putMetricDefinition(project.id, def);
      return def;
    },

    async deleteMetricDefinition(name: string, key: string): Promise<void> {
      const project = await require(name);
      const removed = await store.projects.deleteMetricDefinition(project.id, key);
      if (!removed) throw notFound(`metric '${key}' has no definition in project '${name}'`, { key });
    },
  };
}
