import type { Checkpoint } from "@looplab/core";
import type { ArtifactRecord, RetentionRecord, RetentionScope } from "../ports/artifact-repo.js";
import type { RunRecord, StoreRepos } from "../ports/store.js";
import { artifactState, commonFolder } from "./artifact-views.js";

/**
 * Checkpoint retention: a checkpoint is the set of a run's `checkpoint` artifacts that share a
 * step. A policy keeps the best k by a metric (in its direction) plus the last n by step; every
 * other live checkpoint is collected (its rows marked, its blob references released).
 */

export interface CheckpointGroup {
  step: number;
  files: ArtifactRecord[];
  metrics: Record<string, number> | null;
}

export type RetentionReason = "best" | "last";

export interface EffectivePolicy extends RetentionRecord {
  scope: RetentionScope;
}

/** Groups checkpoint artifacts by step (ascending); metrics are the files' metrics merged. */
export function groupCheckpoints(files: ArtifactRecord[]): CheckpointGroup[] {
  const byStep = new Map<number, CheckpointGroup>();
  for (const file of files) {
    const step = file.step ?? 0;
    let group = byStep.get(step);
    if (!group) {
      group = { step, files: [], metrics: null };
      byStep.set(step, group);
    }
    group.files.push(file);
    if (file.metrics) group.metrics = { ...(group.metrics ?? {}), ...file.metrics };
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Which steps a policy keeps, and why. Ranking by the metric ignores checkpoints without a
 * finite value for it; ties go to the later step. Pure, so it is tested on its own.
 */
export function decideRetention(
  checkpoints: { step: number; metrics: Record<string, number> | null }[],
  policy: Pick<RetentionRecord, "keepLast" | "keepBest" | "metric" | "direction">,
): Map<number, RetentionReason[]> {
  const kept = new Map<number, RetentionReason[]>();
  const mark = (step: number, reason: RetentionReason) => kept.set(step, [...(kept.get(step) ?? []), reason]);
  const bySteps = [...checkpoints].sort((a, b) => b.step - a.step);
  for (const c of bySteps.slice(0, policy.keepLast)) mark(c.step, "last");
  const metric = policy.metric;
  if (policy.keepBest > 0 && metric) {
    const sign = policy.direction === "min" ? 1 : -1;
    const ranked = bySteps
      .filter((c) => Number.isFinite(c.metrics?.[metric]))
      .sort((a, b) => sign * ((a.metrics?.[metric] as number) - (b.metrics?.[metric] as number)) || b.step - a.step);
    for (const c of ranked.slice(0, policy.keepBest)) mark(c.step, "best");
  }
  return kept;
}

export async function effectivePolicy(repos: StoreRepos, run: RunRecord): Promise<EffectivePolicy | null> {
  const own = await repos.artifacts.getRetention("run", run.id);
  if (own) return { ...own, scope: "run" };
  const project = await repos.artifacts.getRetention("project", run.projectId);
  return project ? { ...project, scope: "project" } : null;
}

const isLive = (f: ArtifactRecord) => f.collectedAt === null && f.deletedAt === null;

/** Applies the run's policy now; returns the number of checkpoints collected. */
export async function applyRetention(repos: StoreRepos, run: RunRecord, now: number): Promise<number> {
  const policy = await effectivePolicy(repos, run);
  if (!policy) return 0;
  const groups = groupCheckpoints((await repos.artifacts.listCheckpointArtifacts(run.id)).filter(isLive));
  const kept = decideRetention(groups, policy);
  const doomed = groups.filter((g) => !kept.has(g.step));
  const paths = doomed.flatMap((g) => g.files.map((f) => f.path));
  await repos.artifacts.collectArtifacts(run.id, paths, now);
  return doomed.length;
}

/** Every checkpoint of a run (collected ones included when asked), with retention state. */
export function checkpointViews(
  runId: string,
  files: ArtifactRecord[],
  policy: EffectivePolicy | null,
  includeCollected: boolean,
): Checkpoint[] {
  const groups = groupCheckpoints(files);
  const liveGroups = groupCheckpoints(files.filter(isLive));
  const kept = policy ? decideRetention(liveGroups, policy) : new Map<number, RetentionReason[]>();
  const views: Checkpoint[] = [];
  for (const group of groups) {
    const live = group.files.filter(isLive);
    const shown = live.length > 0 ? live : group.files;
    const state = live.length > 0 ? "live" : group.files.some((f) => f.collectedAt === null) ? "deleted" : "collected";
    if (state === "collected" && !includeCollected) continue;
    views.push({
      runId,
      step: group.step,
      path: commonFolder(shown.map((f) => f.path)),
      metrics: group.metrics,
      files: shown.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })),
      size: shown.reduce((sum, f) => sum + f.size, 0),
      createdAt: Math.min(...shown.map((f) => f.createdAt)),
      state: state === "live" ? artifactState(shown[0] as ArtifactRecord) : state,
      retainedBy: state === "live" ? (kept.get(group.step) ?? []) : [],
    });
  }
  return views;
}
