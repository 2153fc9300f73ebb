import {
  type Checkpoint,
  createRunBody,
  endStatuses,
  failedPrecondition,
  invalidArgument,
  isLooplabError,
  type MetricDefinition,
  type RunList,
  type Run as RunRecord,
  runIdSchema,
  type UpdateRunBody,
  updateRunBody,
} from "@looplab/core";
import type { ArtifactIo, CodeSnapshotOptions, LocalCheckpoint } from "./artifact-io.js";
import type { UploadDeps } from "./artifact-upload.js";
import { BinaryTransfer } from "./binary-transfer.js";
import {
  applyResume,
  fetchLatestCheckpoint,
  type MetricsAfterCheckpoint,
  type NormalisedResume,
  normaliseResume,
  planInitResume,
  type ResumePlan,
} from "./checkpoint-resume.js";
import { type FetchLike, LooplabClient } from "./client.js";
import { isNetworkError, isRetryable } from "./client-errors.js";
import { browserPlatform, newRunId, newSessionTag, type SdkPlatform } from "./platform.js";
import { type ReplayResult, replaySpool } from "./replay-spool.js";
import { backoffDelay } from "./retry-policy.js";
import type { RouteBody } from "./route-types.js";
import { Run, type TagsInput } from "./run.js";
import { type RunSettings, resolveRunSettings } from "./run-settings.js";
import { type OnSdkEvent, safeReporter } from "./sdk-events.js";
import type { Spool, SpoolRoute } from "./spool.js";
import { startTimer } from "./timer.js";

export interface LooplabOptions extends Partial<RunSettings> {
  /** Server URL. Default: LOOPLAB_URL, else http://127.0.0.1:7373 (Node); the page's origin (browser). */
  url?: string;
  /** Default `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Sent with every request (e.g. an API token). */
  headers?: Record<string, string>;
  /** Per-request timeout, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** Delivery problems, dropped or invalid input. Default: silent (browser), stderr warnings (Node). */
  onError?: OnSdkEvent;
  /** Replaces the platform's spool; `false` keeps everything in memory. */
  spool?: Spool | false;
  /** How long `init` keeps trying an unreachable server before starting the run offline, ms (default 10 000). */
  initTimeoutMs?: number;
  /** Record git commit, branch, remote, dirty flag and diff at init (Node; default true). */
  captureGit?: boolean;
  /** Longest uncommitted diff recorded, bytes (default 4 MiB). */
  maxDiffBytes?: number;
  /** Flush on SIGINT/SIGTERM/beforeExit/exit (Node; default true). */
  exitHooks?: boolean;
  /** Replay other runs' spooled records in the background at the first `init` (default true). */
  replayOnInit?: boolean;
  /** Runtime services; the `node` entry passes its own. */
  platform?: SdkPlatform;
  /** Local file access for artifacts; the `node` entry passes its own (none in browsers). */
  artifactIo?: ArtifactIo;
  /** Clock and randomness, injectable for tests. */
  now?: () => number;
  random?: () => number;
}

export interface InitOptions {
  project: string;
  name?: string;
  config?: Record<string, unknown>;
  /** `["baseline"]` is shorthand for `{ baseline: "" }`. */
  tags?: TagsInput;
  group?: string | null;
  notes?: string;
  /** Client-chosen run id (32 lowercase hex). The same id twice continues the same run. */
  id?: string;
  /**
   * `true`: continue the run `id` even if it has ended (moves it back to running).
   * A run id: continue that run from its latest checkpoint (downloaded: `run.resumeCheckpoint`).
   */
  resume?: boolean | string;
  /** Start a new run from the latest checkpoint of this run (recorded as `resumedFrom`, with lineage). */
  resumeFrom?: string;
  /**
   * Points the resumed run logged after the checkpoint's step: kept beside the re-logged steps,
   * or deleted. Required when there are such points (init throws otherwise; never decided silently).
   */
  metricsAfterCheckpoint?: MetricsAfterCheckpoint;
  /** Where the resumed checkpoint is downloaded (default `.looplab/checkpoints/<runId>/<step>`). */
  checkpointDir?: string;
  /** Node: store the working tree as `code/snapshot.tar.gz` (type `code`) in the background. */
  codeSnapshot?: boolean | CodeSnapshotOptions;
  parentRunId?: string | null;
  resumedFrom?: string | null;
  /**
   * Node: tee stdout/stderr into the run's log (docs/logs.md). Default true in Node, false in
   * the browser; never when LOOPLAB_JOB_ID is set (the agent captures a queued job's output).
   */
  captureConsole?: boolean;
  /**
   * Node: log `system/*` metrics (process CPU, memory, GPUs via nvidia-smi) every `intervalMs`
   * (default true, every 10 s); never when LOOPLAB_JOB_ID is set.
   */
  systemMetrics?: boolean | { intervalMs?: number };
}

/**
 * Entry point of the SDK: `const run = await new Looplab({ url }).init({ project })`.
 * In Node (the package's `node` export) it also records git/host/command, spools to disk and
 * flushes on exit; in a browser it keeps everything in memory.
 */
export class Looplab {
  readonly client: LooplabClient;
  /** Raw-bytes requests (artifact uploads and downloads). */
  readonly transfer: BinaryTransfer;
  protected readonly platform: SdkPlatform;
  private readonly spool: Spool | undefined;
  private readonly settings: RunSettings;
  private readonly report: OnSdkEvent;
  private readonly now: () => number;
  private readonly random: () => number;
  private replayed = false;

  constructor(private readonly options: LooplabOptions = {}) {
    this.platform = options.platform ?? browserPlatform;
    const url = options.url ?? this.platform.env("LOOPLAB_URL") ?? this.platform.defaultUrl;
    if (url === undefined) throw invalidArgument("no server URL: pass { url } or set LOOPLAB_URL");
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.client = new LooplabClient({
      url,
      headers: options.headers ?? {},
      now: this.now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs }),
    });
    const bodyFetch = options.fetch ?? this.platform.bodyFetch;
    this.transfer = new BinaryTransfer({
      url,
      headers: options.headers ?? {},
      now: this.now,
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...(bodyFetch === undefined ? {} : { bodyFetch }),
    });
    this.spool = options.spool === false ? undefined : (options.spool ?? this.platform.spool);
    this.settings = resolveRunSettings(options);
    this.report = safeReporter(options.onError ?? this.platform.defaultOnError);
  }

  /**
   * Starts (or continues) a run. Creates the project if missing. With LOOPLAB_RUN_ID set (a
   * queued job) it attaches to that run instead. If the server cannot be reached within
   * `initTimeoutMs`, the run starts offline: its creation is queued (and spooled) before its points.
   */
  async init(input: InitOptions): Promise<Run> {
    const options = normaliseResume(input);
    const plan = await planInitResume(this.client, options);
    const checkpoint = plan?.checkpoint ? await this.download(plan.checkpoint, options.checkpointDir) : null;
    const run = await this.createOrContinue(options, plan);
    applyResume(run, plan, checkpoint, options.resumedFrom);
    if (options.codeSnapshot) {
      const snapshotOptions = options.codeSnapshot === true ? {} : options.codeSnapshot;
      void run.saveCodeSnapshot(snapshotOptions).catch(() => {});
    }
    return run;
  }

  /**
   * Downloads the latest checkpoint of a run (every file, digests verified, interrupted
   * downloads resumed) into `dir` (default `.looplab/checkpoints/<runId>/<step>`); null when
   * the run has no checkpoint. Node only.
   */
  async latestCheckpoint(runId: string, options: { dir?: string } = {}): Promise<LocalCheckpoint | null> {
    const checkpoint = await fetchLatestCheckpoint(this.client, runId);
    return checkpoint === null ? null : this.download(checkpoint, options.dir);
  }

  /** What uploads and downloads need: the clients and the retry policy. */
  get transferDeps(): UploadDeps {
    return { client: this.client, transfer: this.transfer, retry: this.settings.retry, random: this.random };
  }

  private async download(checkpoint: Checkpoint, dir: string | undefined): Promise<LocalCheckpoint> {
    const io = this.options.artifactIo;
    if (io === undefined)
      throw failedPrecondition("downloading a checkpoint needs the SDK's Node entry (import it in Node)");
    return io.downloadCheckpoint(this.transferDeps, checkpoint, dir);
  }

  private async createOrContinue(options: NormalisedInit, plan: ResumePlan | undefined): Promise<Run> {
    const envRunId = this.platform.env("LOOPLAB_RUN_ID") || undefined;
    const runId = options.id ?? envRunId ?? newRunId();
    if (!runIdSchema.safeParse(runId).success)
      throw invalidArgument(`run id must be 32 lowercase hex characters: ${runId}`);
    if (options.resume === true && options.id === undefined && envRunId === undefined) {
      throw invalidArgument("resume needs the id of the run to continue");
    }
    const context = await this.platform
      .captureContext({
        captureGit: this.options.captureGit ?? true,
        // The API keeps diffs up to 10 M characters.
        maxDiffBytes: Math.min(this.options.maxDiffBytes ?? 4 << 20, 9_000_000),
      })
      .catch(() => ({}));
    const deadline = this.now() + (this.options.initTimeoutMs ?? 10_000);
    const initial: { route: SpoolRoute; body: unknown }[] = [];
    let record: RunRecord | null | undefined;
    if (runId === envRunId) record = await this.attach(runId, options, deadline, initial);
    if (record === undefined) {
      const body = {
        project: options.project,
        id: runId,
        status: "running",
        origin: "sdk",
        startedAt: this.now(),
        ...context,
        ...runFields(options),
        ...(options.parentRunId === undefined ? {} : { parentRunId: options.parentRunId }),
        ...(options.resumedFrom === undefined ? {} : { resumedFrom: options.resumedFrom }),
      } satisfies RouteBody<"createRun">;
      // Checked here so that a mistake fails init at once, even offline, instead of later in the spool.
      const checked = createRunBody.safeParse(body);
      if (!checked.success)
        throw invalidArgument(`invalid run: ${checked.error.message}`, { issues: checked.error.issues });
      record = await this.tryOnline(() => this.client.createRun(body), deadline);
      if (record === null) {
        initial.push({ route: "createRun", body });
        if (options.resume === true) initial.push({ route: "updateRun", body: { status: "running", resume: true } });
      } else if (endStatuses.includes(record.status)) {
        if (options.resume !== true) {
          throw failedPrecondition(`run ${runId} has ended (${record.status}); pass resume: true to continue it`);
        }
        record = await this.client.updateRun(runId, { status: "running", resume: true });
      }
    }
    if (plan?.truncate && plan.checkpoint) {
      await this.client.call("truncateMetrics", { params: { runId }, body: { afterStep: plan.checkpoint.step } });
    }
    return this.startRun(runId, record?.project ?? options.project, record, initial);
  }

  /** Declares whether a metric is better low or high, creating the project if needed. */
  async defineMetric(project: string, key: string, options: { goal: "min" | "max" }): Promise<MetricDefinition> {
    try {
      return await this.client.putMetricDefinition(project, key, options.goal);
    } catch (error) {
      if (!isLooplabError(error) || error.code !== "NOT_FOUND") throw error;
    }
    try {
      await this.client.call("createProject", { body: { name: project } });
    } catch (error) {
      if (!isLooplabError(error) || error.code !== "ALREADY_EXISTS") throw error;
    }
    return this.client.putMetricDefinition(project, key, options.goal);
  }

  getRun(runId: string): Promise<RunRecord> {
    return this.client.getRun(runId);
  }

  /** Runs of a project matching a filter (`config.lr < 0.01 and tags has "baseline"`), one page. */
  searchRuns(query: RouteBody<"searchRuns">): Promise<RunList> {
    return this.client.searchRuns(query);
  }

  /**
   * Sends the records that runs of earlier processes left in the spool (each deleted once
   * acknowledged). Runs of this process that are still logging are left to themselves.
   */
  replaySpool(options: { timeoutMs?: number; keepAlive?: boolean } = {}): Promise<ReplayResult> {
    if (this.spool === undefined) return Promise.resolve({ runs: 0, delivered: 0, remaining: 0 });
    return replaySpool({
      spool: this.spool,
      client: this.client,
      settings: this.settings,
      report: this.report,
      now: this.now,
      random: this.random,
      timeoutMs: options.timeoutMs ?? this.settings.finishTimeoutMs,
      keepAlive: options.keepAlive ?? true,
    });
  }

  /** Attaches to a queued run; undefined when it does not exist (then it is created). */
  private async attach(
    runId: string,
    options: InitOptions,
    deadline: number,
    initial: { route: SpoolRoute; body: unknown }[],
  ): Promise<RunRecord | null | undefined> {
    let existing: RunRecord | null;
    try {
      existing = await this.tryOnline(() => this.client.getRun(runId), deadline);
    } catch (error) {
      if (isLooplabError(error) && error.code === "NOT_FOUND") return undefined;
      throw error;
    }
    const fields = runFields(options);
    const checked = updateRunBody.safeParse(fields);
    if (!checked.success)
      throw invalidArgument(`invalid run: ${checked.error.message}`, { issues: checked.error.issues });
    let body: UpdateRunBody | undefined;
    if (existing === null || existing.status === "queued") body = { status: "running", ...fields };
    else if (endStatuses.includes(existing.status)) body = { status: "running", resume: true, ...fields };
    else if (Object.keys(fields).length > 0) body = fields;
    if (body === undefined) return existing;
    const patch = body;
    const updated =
      existing === null ? null : await this.tryOnline(() => this.client.updateRun(runId, patch), deadline);
    if (updated === null) initial.push({ route: "updateRun", body: patch });
    return updated ?? existing;
  }

  private async startRun(
    runId: string,
    project: string,
    record: RunRecord | null,
    initial: { route: SpoolRoute; body: unknown }[],
  ): Promise<Run> {
    const runSpool = this.spool?.open(runId);
    let untrack: (() => void) | undefined;
    const run = new Run(
      { id: runId, project, record },
      {
        client: this.client,
        spool: runSpool,
        settings: this.settings,
        report: this.report,
        now: this.now,
        random: this.random,
        session: newSessionTag(),
        transfer: this.transfer,
        artifactIo: this.options.artifactIo,
        onSettled: () => untrack?.(),
      },
    );
    if (this.options.exitHooks !== false) untrack = this.platform.exitHooks?.track(run);
    await run.start(initial);
    if (!this.replayed && this.spool !== undefined && this.options.replayOnInit !== false) {
      this.replayed = true;
      void this.replaySpool({ keepAlive: false }).catch((error: unknown) =>
        this.report({ type: "spool-error", message: `spool replay failed: ${String(error)}`, error }),
      );
    }
    return run;
  }

  /**
   * Calls the server, retrying what may succeed later until `deadline`; null when the server
   * stayed unreachable (the caller then works offline). Other errors are thrown.
   */
  private async tryOnline<T>(fn: () => Promise<T>, deadline: number): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isRetryable(error)) throw error;
        const wait = backoffDelay(this.settings.retry, attempt, this.random);
        if (this.now() + wait >= deadline) {
          const why = isNetworkError(error) ? "unreachable" : "unavailable";
          this.report({ type: "offline", message: `server ${why} at init; the run starts offline`, error });
          return null;
        }
        await new Promise<void>((resolve) => startTimer(resolve, wait, true));
      }
    }
  }
}

type NormalisedInit = NormalisedResume<InitOptions>;

function runFields(options: InitOptions): Omit<UpdateRunBody, "status" | "resume"> {
  const fields: Record<string, unknown> = {};
  if (options.name !== undefined) fields.name = options.name;
  if (options.group !== undefined) fields.group = options.group;
  if (options.notes !== undefined) fields.notes = options.notes;
  if (options.tags !== undefined) fields.tags = options.tags;
  if (options.config !== undefined) fields.config = options.config;
  return fields;
}
