import { notFound } from "@looplab/core";
import type { ArtifactRecord, LineageRecord } from "../ports/artifact-repo.js";
import type { Store } from "../ports/store.js";
import { artifactState, toArtifactView } from "./artifact-views.js";
import type { Clock } from "./clock.js";
import type { RunService } from "./run-service.js";

type UsedRef =
  | { runId: string; path: string; role?: string | undefined }
  | { sha256: string; role?: string | undefined };

const PRODUCERS_SHOWN = 20;

/**
 * Lineage: a run records what it *used* (edges to blobs, remembering the artifact it named);
 * what it *produced* is its own artifacts. Answers "which runs used this dataset version" and
 * "where did this model come from" (the runs whose artifacts hold those bytes).
 */
export function createArtifactLineage(deps: { store: Store; runs: RunService; clock: Clock }) {
  const { store, runs, clock } = deps;

  function projectNames() {
    const cache = new Map<string, Promise<string | null>>();
    return (projectId: string) => {
      let name = cache.get(projectId);
      if (!name) {
        name = store.projects.getById(projectId).then((p) => p?.name ?? null);
        cache.set(projectId, name);
      }
      return name;
    };
  }

  async function refs(artifacts: ArtifactRecord[], nameOf: (projectId: string) => Promise<string | null>) {
    return await Promise.all(
      artifacts.map(async (a) => ({
        runId: a.runId,
        project: await nameOf(a.projectId),
        path: a.path,
        type: a.type,
        state: artifactState(a),
      })),
    );
  }

  async function edgeView(edge: LineageRecord, nameOf: (projectId: string) => Promise<string | null>) {
    const [blob, producers] = await Promise.all([
      store.artifacts.getBlob(edge.sha256),
      store.artifacts.listArtifactsOfBlob(edge.sha256, PRODUCERS_SHOWN),
    ]);
    return {
      sha256: edge.sha256,
      size: blob?.size ?? producers[0]?.size ?? null,
      role: edge.role,
      source:
        edge.sourceRunId !== null && edge.sourcePath !== null
          ? { runId: edge.sourceRunId, path: edge.sourcePath }
          : null,
      producers: await refs(producers, nameOf),
      usedAt: edge.createdAt,
    };
  }

  return {
    async record(runId: string, used: UsedRef[]) {
      await runs.requireRun(runId);
      const now = clock.now();
      const edges: LineageRecord[] = [];
      for (const ref of used) {
        if ("path" in ref) {
          const artifact = await store.artifacts.getArtifact(ref.runId, ref.path);
          if (!artifact) throw notFound(`run '${ref.runId}' has no artifact '${ref.path}'`, ref);
          edges.push({
            runId,
            sha256: artifact.sha256,
            sourceRunId: ref.runId,
            sourcePath: ref.path,
            role: ref.role ?? null,
            createdAt: now,
          });
        } else {
          const known =
            (await store.artifacts.getBlob(ref.sha256)) ??
            (await store.artifacts.listArtifactsOfBlob(ref.sha256, 1))[0];
          if (!known) throw notFound(`no artifact holds sha256 ${ref.sha256}`, { sha256: ref.sha256 });
          edges.push({
            runId,
            sha256: ref.sha256,
            sourceRunId: null,
            sourcePath: null,
            role: ref.role ?? null,
            createdAt: now,
          });
        }
      }
      await store.transaction(async (repos) => {
        for (const edge of edges) await repos.artifacts.putLineage(edge);
      });
      const nameOf = projectNames();
      return { used: await Promise.all(edges.map((e) => edgeView(e, nameOf))) };
    },

    async ofRun(runId: string) {
      await runs.requireRun(runId);
      const nameOf = projectNames();
      const used = await Promise.all((await store.artifacts.listLineage(runId)).map((e) => edgeView(e, nameOf)));
      const produced = await store.artifacts.listArtifacts({ runId, includeDeleted: false, limit: 1000 });
      const consumers = await store.artifacts.countConsumers([...new Set(produced.map((a) => a.sha256))]);
      return {
        runId,
        used,
        produced: produced.map((a) => ({ ...toArtifactView(a), consumers: consumers.get(a.sha256) ?? 0 })),
      };
    },

    async consumers(sha256: string, request: { pageToken?: string | undefined; limit: number }) {
      const nameOf = projectNames();
      const after = request.pageToken ?? null;
      const edges = await store.artifacts.listConsumers(sha256, after, request.limit + 1);
      const page = edges.slice(0, request.limit);
      const producers = await store.artifacts.listArtifactsOfBlob(sha256, PRODUCERS_SHOWN);
      if (page.length === 0 && producers.length === 0 && !(await store.artifacts.getBlob(sha256))) {
        throw notFound(`no artifact holds sha256 ${sha256}`, { sha256 });
      }
      const consumerRuns = await store.runs.getMany(page.map((e) => e.runId));
      const projectOf = new Map(consumerRuns.map((r) => [r.id, r.projectId]));
      return {
        sha256,
        producers: await refs(producers, nameOf),
        consumers: await Promise.all(
          page.map(async (e) => {
            const projectId = projectOf.get(e.runId);
            return {
              runId: e.runId,
              project: projectId ? await nameOf(projectId) : null,
              role: e.role,
              usedAt: e.createdAt,
            };
          }),
        ),
        nextPageToken: edges.length > request.limit ? (page.at(-1)?.runId ?? null) : null,
      };
    },
  };
}
