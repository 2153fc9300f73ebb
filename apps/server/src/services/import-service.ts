import {
  alreadyExists,
  decodeFloat,
  type ExportedRun,
  type ExportRunsResult,
  type ImportMetricsBody,
  type ImportProjectBody,
  invalidArgument,
  type Project,
  type Run,
} from "@looplab/core";
import type { ConfigChangeRecord, PointRecord, ProjectRecord, RunRecord, Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import { decodePageToken, encodePageToken, fingerprint } from "./page-token.js";
import type { ProjectService } from "./project-service.js";
import type { RunService } from "./run-service.js";

/**
 * Portability (docs/export-format.md): lists runs exactly as stored, and restores projects,
 * runs and points exactly — ids, statuses, every timestamp and deletion mark as given. Unlike
 * the ordinary write paths, nothing here stamps the clock onto a record or counts as a heartbeat.
 */
export type ImportService = ReturnType<typeof createImportService>;

function toExportedRun(run: RunRecord, project: string, configHistory: ConfigChangeRecord[]): ExportedRun {
  const { projectId: _projectId, ...fields } = run;
  return { ...fields, project, configHistory };
}

function toRunRecord(run: ExportedRun, projectId: string): RunRecord {
  const { project: _project, configHistory: _configHistory, ...fields } = run;
  return { ...fields, projectId };
}

export function createImportService(store: Store, projects: ProjectService, runs: RunService, clock: Clock) {
  async function refuseExistingProject(body: ImportProjectBody): Promise<void> {
    const byName = await store.projects.getByName(body.name);
    if (byName) throw alreadyExists(`project '${body.name}' already exists`, { project: body.name });
    const byId = await store.projects.getById(body.id);
    if (byId) {
      throw alreadyExists(`a project with id '${body.id}' already exists (as '${byId.name}')`, { projectId: body.id });
    }
  }

  return {
    /** One page of a project's runs as stored, ordered by id; deleted runs and projects included. */
    async exportRuns(
      projectName: string,
      request: { pageToken?: string | undefined; limit: number },
    ): Promise<ExportRunsResult> {
      const project = await projects.require(projectName, { includeDeleted: true });
      const query = fingerprint("export", project.id);
      let offset = 0;
      if (request.pageToken) {
        const token = decodePageToken(request.pageToken);
        if (token.q !== query || typeof token.o !== "number") {
          throw invalidArgument("pageToken belongs to a different project", { field: "pageToken" });
        }
        offset = token.o;
      }
      const result = await store.runs.search({
        projectId: project.id,
        filter: "",
        sort: "id",
        offset,
        limit: request.limit,
        includeDeleted: true,
        withTotal: false,
      });
      const records = await store.runs.getMany(result.runIds);
      const exported: ExportedRun[] = [];
      for (const record of records) {
        exported.push(toExportedRun(record, project.name, await store.runs.listConfigChanges(record.id)));
      }
      return {
        runs: exported,
        nextPageToken: result.hasMore ? encodePageToken({ o: offset + request.limit, q: query }) : null,
      };
    },

    /** Restores a project with its id, timestamps, deletion mark and metric definitions. */
    async importProject(body: ImportProjectBody): Promise<Project> {
      await refuseExistingProject(body);
      const record: ProjectRecord = {
        id: body.id,
        name: body.name,
        description: body.description,
        createdAt: body.createdAt,
        updatedAt: body.updatedAt,
        deletedAt: body.deletedAt,
      };
      try {
        await store.transaction(async (repos) => {
          await repos.projects.create(record);
          for (const def of body.metricDefinitions) await repos.projects.putMetricDefinition(record.id, def);
        });
      } catch (error) {
        // Two imports racing: the loser gets the same answer as if it had come second.
        await refuseExistingProject(body);
        throw error;
      }
      return await projects.view(record);
    },

    /** Restores a run exactly, with its config history, into an existing (possibly deleted) project. */
    async importRun(body: ExportedRun): Promise<Run> {
      if (await store.runs.get(body.id)) throw alreadyExists(`run '${body.id}' already exists`, { runId: body.id });
      const project = await projects.require(body.project, { includeDeleted: true });
      const record = toRunRecord(body, project.id);
      try {
        await store.transaction(async (repos) => {
          await repos.runs.create(record);
          for (const change of body.configHistory) await repos.runs.appendConfigChange(record.id, change);
        });
      } catch (error) {
        if (await store.runs.get(body.id)) throw alreadyExists(`run '${body.id}' already exists`, { runId: body.id });
        throw error;
      }
      return await runs.view(record);
    },

    /**
     * Appends exact points (wall times as given) in one transaction. The run's heartbeat and
     * updatedAt stay as they are: an imported record is restored, not written to.
     */
    async importMetrics(runId: string, body: ImportMetricsBody): Promise<{ stored: number; duplicateBatch: boolean }> {
      await runs.requireRun(runId);
      const points: PointRecord[] = body.points.map((p) => ({
        key: p.key,
        step: p.step,
        value: decodeFloat(p.value),
        time: p.time,
      }));
      return await store.transaction(async (repos) => {
        if (body.batchId && (await repos.metrics.claimBatch(runId, body.batchId, clock.now()))) {
          return { stored: 0, duplicateBatch: true };
        }
        const stored = points.length > 0 ? await repos.metrics.append(runId, points) : 0;
        return { stored, duplicateBatch: false };
      });
    },
  };
}
