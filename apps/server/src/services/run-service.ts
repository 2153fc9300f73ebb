import {
  applyConfigChanges,
  type ConfigChange,
  type CreateRunBody,
  createRunBody,
  failedPrecondition,
  isEndStatus,
  notFound,
  type Run,
  type RunStatus,
  transitionError,
  type UpdateRunBody,
  updateRunBody,
} from "@looplab/core";
import type { RunPatch, RunRecord, Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { RunEvents } from "./event-bus.js";
import { newId } from "./ids.js";
import type { ProjectService } from "./project-service.js";
import { toRunView } from "./run-view.js";

export type RunService = ReturnType<typeof createRunService>;

export function createRunService(store: Store, projects: ProjectService, clock: Clock, events?: RunEvents) {
  async function requireRun(runId: string): Promise<RunRecord> {
    const run = await store.runs.get(runId);
    if (!run) throw notFound(`run '${runId}' not found`, { runId });
    return run;
  }

  async function view(run: RunRecord): Promise<Run> {
    const project = await store.projects.getById(run.projectId);
    if (!project) throw notFound(`project of run '${run.id}' not found`, { runId: run.id });
    const [series, definitions] = await Promise.all([
      store.metrics.listSeries(run.id),
      store.projects.listMetricDefinitions(project.id),
    ]);
    return toRunView(run, project, series, definitions);
  }

  return {
    requireRun,
    view,

    async create(input: CreateRunBody): Promise<Run> {
      const body = createRunBody.parse(input);
      const project = await projects.ensure(body.project);
      if (body.id) {
        const existing = await store.runs.get(body.id);
        if (existing) {
          if (existing.projectId !== project.id) {
            throw failedPrecondition(`run '${body.id}' already exists in another project`, { runId: body.id });
          }
          return await view(existing);
        }
      }
      const now = clock.now();
      const running = body.status === "running";
      const record: RunRecord = {
        id: body.id ?? newId(),
        projectId: project.id,
        name: body.name ?? "",
        status: body.status,
        origin: body.origin,
        group: body.group ?? null,
        tags: body.tags ?? {},
        notes: body.notes ?? "",
        config: body.config ?? {},
        createdAt: now,
        startedAt: running ? (body.startedAt ?? now) : null,
        endedAt: null,
        heartbeatAt: running ? now : null,
        updatedAt: now,
        deletedAt: null,
        host: body.host ?? null,
        command: body.command ?? null,
        git: body.git ?? null,
        environment: body.environment ?? null,
        parentRunId: body.parentRunId ?? null,
        resumedFrom: body.resumedFrom ?? null,
      };
      if (!record.name) record.name = `run-${record.id.slice(0, 8)}`;
      await store.transaction((repos) => repos.runs.create(record));
      events?.runChanged(record, "created");
      return await view(record);
    },

    async get(runId: string): Promise<Run> {
      return await view(await requireRun(runId));
    },

    async update(runId: string, input: UpdateRunBody, actor = "api"): Promise<Run> {
      const body = updateRunBody.parse(input);
      const run = await requireRun(runId);
      const now = clock.now();
      const patch: RunPatch = { updatedAt: now };
      if (body.status !== undefined && body.status !== run.status) {
        const problem = transitionError(run.status, body.status, { resume: body.resume ?? false });
        if (problem) throw failedPrecondition(problem, { from: run.status, to: body.status });
        patch.status = body.status;
        if (body.status === "running") {
          patch.startedAt = run.startedAt ?? now;
          patch.heartbeatAt = now;
          patch.endedAt = null;
        } else if (isEndStatus(body.status)) {
          patch.endedAt = body.endedAt ?? now;
        }
      }
      if (body.startedAt !== undefined) patch.startedAt = body.startedAt;
      if (body.host !== undefined) patch.host = body.host;
      if (body.command !== undefined) patch.command = body.command;
      if (body.git !== undefined) patch.git = body.git;
      if (body.environment !== undefined) patch.environment = body.environment;
      if (body.name !== undefined) patch.name = body.name;
      if (body.group !== undefined) patch.group = body.group;
      if (body.notes !== undefined) patch.notes = body.notes;
      if (body.tags !== undefined || body.removeTags !== undefined) {
        const tags = { ...run.tags, ...(body.tags ?? {}) };
        for (const key of body.removeTags ?? []) delete tags[key];
        patch.tags = tags;
      }
      let changes: ConfigChange[] = [];
      if (body.config !== undefined) {
        const applied = applyConfigChanges(run.config, body.config);
        changes = applied.changes;
        if (changes.length > 0) patch.config = applied.config;
      }
      await store.transaction(async (repos) => {
        await repos.runs.update(runId, patch);
        if (changes.length > 0) await repos.runs.appendConfigChange(runId, { at: now, actor, changes });
      });
      events?.runChanged(runId, patch.status ? "status" : "updated");
      return await view(await requireRun(runId));
    },

    async heartbeat(runId: string): Promise<{ status: RunStatus }> {
      const run = await requireRun(runId);
      if (run.status !== "running") {
        throw failedPrecondition(`run is ${run.status}; only running runs send heartbeats`, { status: run.status });
      }
      const now = clock.now();
      await store.runs.update(runId, { heartbeatAt: now });
      return { status: run.status };
    },

    async configHistory(runId: string) {
      await requireRun(runId);
      return { changes: await store.runs.listConfigChanges(runId) };
    },

    async remove(runId: string, purge: boolean): Promise<void> {
      const run = await requireRun(runId);
      if (purge) await store.transaction((repos) => repos.runs.purge(runId));
      else await store.runs.update(runId, { deletedAt: clock.now(), updatedAt: clock.now() });
      events?.runChanged(purge ? { ...run, deletedAt: clock.now() } : runId, "deleted");
    },

    async restore(runId: string): Promise<Run> {
      await requireRun(runId);
      await store.runs.update(runId, { deletedAt: null, updatedAt: clock.now() });
      events?.runChanged(runId, "restored");
      return await view(await requireRun(runId));
    },

    /** Marks runs whose heartbeat stopped as crashed (MLflow runs are exempt, DESIGN.md §4). */
    async detectCrashed(timeoutMs: number): Promise<string[]> {
      const now = clock.now();
      const crashed = await store.runs.markCrashed(now - timeoutMs, now);
      events?.runsChanged(crashed, "crashed");
      return crashed;
    },

    /** Purges runs soft-deleted longer than `retentionMs` ago. */
    async collectGarbage(retentionMs: number, limit = 100): Promise<number> {
      const ids = await store.runs.listDeletedBefore(clock.now() - retentionMs, limit);
      for (const id of ids) await store.transaction((repos) => repos.runs.purge(id));
      return ids.length;
    },
  };
}
