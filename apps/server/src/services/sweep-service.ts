/**
 * Sweeps over the API (docs/sweeps.md): create from a sweep file's text or its document, list,
 * read progress and trials, cancel. The controller (sweep-controller.ts) does the proposing.
 */
import {
  createSweepSampler,
  failedPrecondition,
  invalidArgument,
  isLooplabError,
  type listSweepsQuery,
  type listSweepTrialsQuery,
  notFound,
  parseSweepYaml,
  type ResolvedSweep,
  resolveSweepSpec,
  type Sweep,
} from "@looplab/core";
import type { z } from "zod";
import type { Store } from "../ports/store.js";
import type { SweepRecord } from "../ports/sweep-repo.js";
import type { Clock } from "./clock.js";
import { newId } from "./ids.js";
import { decodePageToken, encodePageToken, fingerprint } from "./page-token.js";
import type { ProjectService } from "./project-service.js";
import { createSweepController, type SweepControllerOptions } from "./sweep-controller.js";
import type { SweepQueue } from "./sweep-queue.js";
import { loadTrialStates, type SweepTrialView, sweepView, trialView } from "./sweep-views.js";

export type SweepService = ReturnType<typeof createSweepService>;
type CreateSweepInput = { yaml: string } | { spec: unknown };

/** The first proposal must build a config: `lr.x` in the space while `lr` is a number is bad input. */
function checkProposable(resolved: ResolvedSweep): void {
  try {
    createSweepSampler(resolved).propose([], 1);
  } catch (error) {
    if (isLooplabError(error)) throw error;
    throw invalidArgument(`sweep: ${(error as Error).message}`, { line: null, key: "space" });
  }
}

export function createSweepService(
  store: Store,
  projects: ProjectService,
  queue: SweepQueue,
  clock: Clock,
  options: SweepControllerOptions = {},
) {
  const controller = createSweepController(store, queue, clock, options);

  async function requireSweep(id: string): Promise<SweepRecord> {
    const sweep = await store.sweeps.get(id);
    if (!sweep) throw notFound(`sweep '${id}' not found`, { sweepId: id });
    return sweep;
  }

  async function view(sweep: SweepRecord): Promise<Sweep> {
    const { spec } = resolveSweepSpec(sweep.spec);
    const states = await loadTrialStates(store, await store.sweeps.listTrials(sweep.id), spec.objective);
    return sweepView(sweep, spec, states);
  }

  return {
    controller,

    async create(input: CreateSweepInput): Promise<Sweep> {
      const resolved = "yaml" in input ? parseSweepYaml(input.yaml) : resolveSweepSpec(input.spec);
      checkProposable(resolved);
      const project = await projects.ensure(resolved.spec.project);
      const id = newId();
      const record: SweepRecord = {
        id,
        projectId: project.id,
        name: resolved.spec.name ?? `sweep-${id.slice(0, 8)}`,
        spec: resolved.spec as unknown as Record<string, unknown>,
        state: "running",
        reason: null,
        createdAt: clock.now(),
        endedAt: null,
      };
      await store.sweeps.create(record);
      await controller.tickSweep(id);
      return view(await requireSweep(id));
    },

    async list(query: z.output<typeof listSweepsQuery>): Promise<{ sweeps: Sweep[]; nextPageToken: string | null }> {
      let projectId: string | undefined;
      if (query.project !== undefined) {
        const project = await store.projects.getByName(query.project);
        if (!project) throw notFound(`project '${query.project}' not found`, { project: query.project });
        projectId = project.id;
      }
      const print = fingerprint("sweeps", query.project ?? null);
      let before: { createdAt: number; id: string } | undefined;
      if (query.pageToken) {
        const token = decodePageToken(query.pageToken);
        if (token.f !== print || typeof token.c !== "number" || typeof token.i !== "string") {
          throw invalidArgument("pageToken does not belong to this query", { field: "pageToken" });
        }
        before = { createdAt: token.c, id: token.i };
      }
      const rows = await store.sweeps.list({ projectId, before, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        sweeps: await Promise.all(page.map(view)),
        nextPageToken:
          rows.length > query.limit && last ? encodePageToken({ c: last.createdAt, i: last.id, f: print }) : null,
      };
    },

    async get(id: string): Promise<Sweep> {
      return view(await requireSweep(id));
    },

    async trials(
      id: string,
      query: z.output<typeof listSweepTrialsQuery>,
    ): Promise<{ trials: SweepTrialView[]; nextPageToken: string | null }> {
      const sweep = await requireSweep(id);
      const { spec } = resolveSweepSpec(sweep.spec);
      let after: number | undefined;
      if (query.pageToken) {
        const token = decodePageToken(query.pageToken);
        if (token.s !== id || typeof token.n !== "number") {
          throw invalidArgument("pageToken does not belong to this sweep", { field: "pageToken" });
        }
        after = token.n;
      }
      const rows = await store.sweeps.listTrials(id, {
        ...(after !== undefined ? { after } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const states = await loadTrialStates(store, page, spec.objective);
      const last = page[page.length - 1];
      return {
        trials: states.flatMap((s) => {
          const v = trialView(s);
          return v ? [v] : [];
        }),
        nextPageToken: rows.length > query.limit && last ? encodePageToken({ s: id, n: last.number }) : null,
      };
    },

    /** Stops proposing and cancels the queued and running trials; cancelling a cancelled sweep is a no-op. */
    async cancel(id: string): Promise<Sweep> {
      const sweep = await requireSweep(id);
      if (sweep.state === "finished") {
        throw failedPrecondition(`sweep '${id}' has already finished`, { sweepId: id, state: sweep.state });
      }
      if (sweep.state === "running") {
        await controller.exclusive(id, async () => {
          await store.sweeps.end(id, "cancelled", "cancelled by request", clock.now());
          await controller.cancelActive(sweep);
        });
      }
      return view(await requireSweep(id));
    },

    /** Starts the controller's timer; the returned function stops it. */
    start(intervalMs = 1000, onError?: (error: unknown, sweepId: string) => void): () => Promise<void> {
      return controller.start(intervalMs, onError);
    },
  };
}
