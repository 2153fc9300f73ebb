import { type Checkpoint, failedPrecondition, invalidArgument, isLooplabError, runIdSchema } from "@looplab/core";
import type { LocalCheckpoint } from "./artifact-io.js";
import type { LooplabClient } from "./client.js";
import type { Run } from "./run.js";

/** What happens to a resumed run's metric points after the checkpoint's step. */
export type MetricsAfterCheckpoint = "keep" | "truncate";

export interface ResumePlan {
  /** The run whose latest checkpoint is resumed. */
  sourceRunId: string;
  checkpoint: Checkpoint | null;
  /** Delete the run's points after the checkpoint's step once the run is continued. */
  truncate: boolean;
}

/** The run's live checkpoint with the largest step, or null when it has none. */
export async function fetchLatestCheckpoint(client: LooplabClient, runId: string): Promise<Checkpoint | null> {
  try {
    return await client.call("latestCheckpoint", { params: { runId } });
  } catch (error) {
    if (isLooplabError(error) && error.code === "NOT_FOUND") {
      // A missing run is an error; a run without checkpoints is not.
      await client.getRun(runId);
      return null;
    }
    throw error;
  }
}

/**
 * Decides, before anything changes on the server, how a run resumes from the latest checkpoint
 * of `sourceRunId`. Continuing the same run (`continue`) with points logged after the
 * checkpoint's step needs an explicit `metricsAfterCheckpoint` ("keep" or "truncate"): it is
 * never decided silently. A branch (`branch`) starts a new run and never changes its source,
 * so "truncate" is refused there.
 */
export async function planResume(
  client: LooplabClient,
  sourceRunId: string,
  mode: "continue" | "branch",
  option: MetricsAfterCheckpoint | undefined,
): Promise<ResumePlan> {
  if (option !== undefined && option !== "keep" && option !== "truncate") {
    throw invalidArgument(`metricsAfterCheckpoint must be "keep" or "truncate", got ${JSON.stringify(option)}`);
  }
  if (mode === "branch" && option === "truncate") {
    throw invalidArgument(
      `metricsAfterCheckpoint: "truncate" would delete points of run ${sourceRunId}, which resumeFrom never changes; the new run starts with no points (use "keep" or leave it out)`,
    );
  }
  const checkpoint = await fetchLatestCheckpoint(client, sourceRunId);
  if (checkpoint === null) {
    if (option === "truncate") {
      throw failedPrecondition(`run ${sourceRunId} has no checkpoint to truncate its metrics to`, {
        runId: sourceRunId,
      });
    }
    return { sourceRunId, checkpoint, truncate: false };
  }
  if (mode === "branch") return { sourceRunId, checkpoint, truncate: false };
  const { series } = await client.listSeries(sourceRunId);
  const later = series.filter((s) => s.lastStep !== null && s.lastStep > checkpoint.step);
  if (later.length > 0 && option === undefined) {
    const keys = later.slice(0, 10).map((s) => `${s.key} (to step ${s.lastStep})`);
    throw failedPrecondition(
      `run ${sourceRunId} has metric points after step ${checkpoint.step} of its latest checkpoint, in ${later.length} series: ${keys.join(", ")}${later.length > 10 ? ", …" : ""}. Pass metricsAfterCheckpoint: "keep" to keep them beside the re-logged steps, or "truncate" to delete them`,
      { runId: sourceRunId, step: checkpoint.step, keys: later.map((s) => s.key) },
    );
  }
  return { sourceRunId, checkpoint, truncate: option === "truncate" && later.length > 0 };
}

/** The resume fields of `init` options (see InitOptions in looplab.ts). */
export interface ResumeInput {
  id?: string;
  resume?: boolean | string;
  resumeFrom?: string;
  resumedFrom?: string | null;
  metricsAfterCheckpoint?: MetricsAfterCheckpoint;
}

/** Init options with `resume` reduced to a boolean; `checkpointResume` when it named a run. */
export type NormalisedResume<T extends ResumeInput> = Omit<T, "resume"> & {
  resume?: boolean;
  checkpointResume?: boolean;
};

/** `resume: runId` → `{ id, resume: true }` from a checkpoint; `resumeFrom` → `resumedFrom`. */
export function normaliseResume<T extends ResumeInput>(input: T): NormalisedResume<T> {
  const { resume, ...rest } = input;
  const options = { ...rest, ...(resume === undefined ? {} : { resume: resume !== false }) } as NormalisedResume<T>;
  if (typeof input.resume === "string") {
    if (!runIdSchema.safeParse(input.resume).success) throw invalidArgument(`resume: not a run id: ${input.resume}`);
    if (input.id !== undefined && input.id !== input.resume) {
      throw invalidArgument(`resume names run ${input.resume} but id is ${input.id}`);
    }
    options.id = input.resume;
    options.resume = true;
    options.checkpointResume = true;
  }
  if (input.resumeFrom !== undefined) {
    if (!runIdSchema.safeParse(input.resumeFrom).success) {
      throw invalidArgument(`resumeFrom: not a run id: ${input.resumeFrom}`);
    }
    if (options.checkpointResume) throw invalidArgument("pass either resume or resumeFrom, not both");
    if (input.resumedFrom != null && input.resumedFrom !== input.resumeFrom) {
      throw invalidArgument(`resumeFrom names run ${input.resumeFrom} but resumedFrom is ${input.resumedFrom}`);
    }
    options.resumedFrom = input.resumeFrom;
  }
  return options;
}

/** The resume plan `init` follows: from `resumeFrom` (a branch), `resume: runId` (continue), or none. */
export async function planInitResume(
  client: LooplabClient,
  options: NormalisedResume<ResumeInput>,
): Promise<ResumePlan | undefined> {
  if (typeof options.resumeFrom === "string") {
    return planResume(client, options.resumeFrom, "branch", options.metricsAfterCheckpoint);
  }
  if (options.resume === true && options.checkpointResume === true && options.id !== undefined) {
    return planResume(client, options.id, "continue", options.metricsAfterCheckpoint);
  }
  if (options.metricsAfterCheckpoint !== undefined) {
    throw invalidArgument("metricsAfterCheckpoint applies only with resume: <runId> or resumeFrom: <runId>");
  }
  return undefined;
}

/**
 * Once the run exists: hands it the downloaded checkpoint (`run.resumeCheckpoint`) and, for a
 * branch (`resumedFrom` is the checkpoint's run), records the checkpoint's files as used (lineage).
 */
export function applyResume(
  run: Run,
  plan: ResumePlan | undefined,
  checkpoint: LocalCheckpoint | null,
  resumedFrom: string | null | undefined,
): void {
  if (checkpoint !== null) run.setResumeCheckpoint(checkpoint);
  if (plan?.checkpoint && resumedFrom === plan.sourceRunId) {
    const used = plan.checkpoint.files.map((f) => ({ runId: plan.sourceRunId, path: f.path, role: "resume" }));
    if (used.length > 0) void run.useArtifact(used).catch(() => {});
  }
}
