import { alreadyExists, notFound, type SavedView } from "@looplab/core";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { ProjectService } from "./project-service.js";

export type ViewService = ReturnType<typeof createViewService>;

/** Saved dashboard views: a name and the URL query state, per project. */
export function createViewService(store: Store, projects: ProjectService, clock: Clock) {
  const views = store.dashboard.views;
  return {
    async list(projectName: string): Promise<{ views: SavedView[] }> {
      const project = await projects.require(projectName);
      return { views: await views.list(project.id) };
    },

    async get(projectName: string, name: string): Promise<SavedView> {
      const project = await projects.require(projectName);
      const view = await views.get(project.id, name);
      if (!view) throw notFound(`view '${name}' not found in project '${projectName}'`, { view: name });
      return view;
    },

    async create(projectName: string, body: { name: string; state: Record<string, string> }): Promise<SavedView> {
      const project = await projects.require(projectName);
      const now = clock.now();
      const view = { name: body.name, state: body.state, createdAt: now, updatedAt: now };
      if (!(await views.create(project.id, view))) {
        throw alreadyExists(`view '${body.name}' already exists in project '${projectName}'`, { view: body.name });
      }
      return view;
    },

    async put(projectName: string, name: string, state: Record<string, string>): Promise<SavedView> {
      const project = await projects.require(projectName);
      const now = clock.now();
      return await views.put(project.id, { name, state, createdAt: now, updatedAt: now });
    },

    async remove(projectName: string, name: string): Promise<void> {
      const project = await projects.require(projectName);
      if (!(await views.delete(project.id, name))) {
        throw notFound(`view '${name}' not found in project '${projectName}'`, { view: name });
      }
    },
  };
}
