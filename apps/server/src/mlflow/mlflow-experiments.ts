import type { MlflowExperimentRecord } from "../ports/mlflow-repo.js";
import type { ProjectRecord } from "../ports/store.js";
import type { Services } from "../services/index.js";
import { invalidParameter, MlflowError, resourceAlreadyExists, resourceDoesNotExist } from "./mlflow-errors.js";
import { compact } from "./mlflow-json.js";

/**
 * MLflow experiments are Looplab projects (DESIGN.md §2.3). `mlflow_experiments` gives each
 * project MLflow's decimal id and a free-form name (MLflow names may hold '/', spaces…; a
 * project name may not). Projects created natively get an id the first time MLflow sees them.
 * Experiment "0" is `Default`, created on first use.
 */
export type MlflowExperiments = ReturnType<typeof createMlflowExperiments>;

export interface ResolvedExperiment {
  experiment: MlflowExperimentRecord;
  project: ProjectRecord;
}

export const DEFAULT_EXPERIMENT_NAME = "Default";
const MAX_EXPERIMENT_NAME_LENGTH = 500;

/** A valid project name derived from an experiment name. */
function projectNameFor(name: string): string {
  const cleaned = name
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 120);
  return cleaned || "experiment";
}

export function artifactLocationOf(experimentId: number): string {
  return `mlflow-artifacts:/${experimentId}`;
}

export function createMlflowExperiments(services: Services) {
  const { store, projects, clock } = services;

  async function projectOf(record: MlflowExperimentRecord): Promise<ProjectRecord> {
    const project = await store.projects.getById(record.projectId);
    if (!project) throw resourceDoesNotExist(`No Experiment with id=${record.experimentId} exists`);
    return project;
  }

  /** Maps a project to an experiment, inventing a free experiment name when needed. */
  async function adopt(project: ProjectRecord, wantedName?: string, experimentId?: number) {
    const existing = await store.mlflow.getExperimentByProject(project.id);
    if (existing) return existing;
    let name = wantedName ?? project.name;
    for (let i = 2; await store.mlflow.getExperimentByName(name); i++) name = `${wantedName ?? project.name}-${i}`;
    try {
      const id = await store.mlflow.createExperiment({
        name,
        projectId: project.id,
        artifactLocation: "",
        experimentId,
      });
      return { experimentId: id, name, projectId: project.id, artifactLocation: "" };
    } catch (error) {
      // Two requests adopting one project at once: the loser reads the winner's row.
      const winner = await store.mlflow.getExperimentByProject(project.id);
      if (winner) return winner;
      throw error;
    }
  }

  async function ensureDefault(): Promise<ResolvedExperiment> {
    const found = await store.mlflow.getExperiment(0);
    if (found) return { experiment: found, project: await projectOf(found) };
    const project = await projects.ensure(DEFAULT_EXPERIMENT_NAME).catch(async () =>
      // a soft-deleted Default project is still the Default experiment
      projects.require(DEFAULT_EXPERIMENT_NAME, { includeDeleted: true }),
    );
    const experiment = await adopt(project, DEFAULT_EXPERIMENT_NAME, 0);
    return { experiment, project };
  }

  function parseId(experimentId: string): number {
    if (!/^\d{1,15}$/.test(experimentId)) {
      throw invalidParameter(`Experiment ID must be a valid integer, got '${experimentId}'`);
    }
    return Number(experimentId);
  }

  async function require(experimentId: string): Promise<ResolvedExperiment> {
    const id = parseId(experimentId);
    if (id === 0) return await ensureDefault();
    const experiment = await store.mlflow.getExperiment(id);
    if (!experiment) throw resourceDoesNotExist(`No Experiment with id=${experimentId} exists`);
    return { experiment, project: await projectOf(experiment) };
  }

  /** The experiment, which must be active (writes to deleted experiments are refused like MLflow). */
  async function requireActive(experimentId: string): Promise<ResolvedExperiment> {
    const resolved = await require(experimentId);
    if (resolved.project.deletedAt !== null) {
      throw invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`);
    }
    return resolved;
  }

  return {
    require,
    requireActive,
    ensureDefault,
    parseId,

    async byName(name: string): Promise<ResolvedExperiment> {
      if (name === DEFAULT_EXPERIMENT_NAME) {
        const def = await store.mlflow.getExperiment(0);
        if (!def && !(await store.mlflow.getExperimentByName(name))) return await ensureDefault();
      }
      let experiment = await store.mlflow.getExperimentByName(name);
      if (!experiment) {
        // a native project of that name is an experiment MLflow has not seen yet
        const project = await store.projects.getByName(name);
        if (project) experiment = await adopt(project);
      }
      if (!experiment) throw resourceDoesNotExist(`Could not find experiment with name '${name}'`);
      return { experiment, project: await projectOf(experiment) };
    },

    /** The experiment of a project (assigning an id on first sight). */
    async forProject(project: ProjectRecord): Promise<MlflowExperimentRecord> {
      return await adopt(project);
    },

    async create(name: string, artifactLocation: string | undefined): Promise<number> {
      if (name.length === 0) throw invalidParameter("Missing value for required parameter 'name'.");
      if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
        throw invalidParameter(`Experiment name exceeds the maximum length of ${MAX_EXPERIMENT_NAME_LENGTH}`);
      }
      if (await store.mlflow.getExperimentByName(name)) {
        throw resourceAlreadyExists(`Experiment(name=${name}) already exists.`);
      }
      let projectName = projectNameFor(name);
      let project = await store.projects.getByName(projectName);
      for (let i = 2; project && (await store.mlflow.getExperimentByProject(project.id)); i++) {
        projectName = `${projectNameFor(name).slice(0, 115)}-${i}`;
        project = await store.projects.getByName(projectName);
      }
      project ??= await projects.ensure(projectName);
      if (project.deletedAt !== null) throw resourceAlreadyExists(`Experiment(name=${name}) already exists (deleted).`);
      try {
        return await store.mlflow.createExperiment({
          name,
          projectId: project.id,
          artifactLocation: artifactLocation ?? "",
        });
      } catch {
        throw resourceAlreadyExists(`Experiment(name=${name}) already exists.`);
      }
    },

    async rename(experimentId: string, newName: string): Promise<void> {
      const { experiment, project } = await require(experimentId);
      if (project.deletedAt !== null) throw invalidParameter("Cannot rename a non-active experiment.");
      const other = await store.mlflow.getExperimentByName(newName);
      if (other && other.experimentId !== experiment.experimentId) {
        throw resourceAlreadyExists(`Experiment(name=${newName}) already exists.`);
      }
      await store.mlflow.renameExperiment(experiment.experimentId, newName);
      await store.projects.update(project.id, { updatedAt: clock.now() });
    },

    /** Every project as an experiment (ids assigned on first sight), with its tags. */
    async listAll(): Promise<ResolvedExperiment[]> {
      const out: ResolvedExperiment[] = [];
      await ensureDefault();
      for (let offset = 0; ; offset += 500) {
        const page = await store.projects.list({ offset, limit: 500, includeDeleted: true });
        const mapped = new Map(
          (await store.mlflow.getExperimentsByProjects(page.map((p) => p.id))).map((e) => [e.projectId, e]),
        );
        for (const project of page) {
          out.push({ experiment: mapped.get(project.id) ?? (await adopt(project)), project });
        }
        if (page.length < 500) break;
      }
      return out;
    },

    async views(resolved: ResolvedExperiment[]) {
      const tags = await store.mlflow.listExperimentTags(resolved.map((r) => r.experiment.experimentId));
      return resolved.map(({ experiment, project }) =>
        compact({
          experiment_id: String(experiment.experimentId),
          name: experiment.name,
          artifact_location: experiment.artifactLocation || artifactLocationOf(experiment.experimentId),
          lifecycle_stage: project.deletedAt === null ? "active" : "deleted",
          last_update_time: project.updatedAt,
          creation_time: project.createdAt,
          tags: Object.entries(tags.get(experiment.experimentId) ?? {}).map(([key, value]) => ({ key, value })),
        }),
      );
    },

    assertNotDefaultDelete(experimentId: string) {
      if (parseId(experimentId) === 0)
        throw new MlflowError("INVALID_PARAMETER_VALUE", "Cannot delete the default experiment '0'.");
    },
  };
}
