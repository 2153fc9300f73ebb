import type { LogStream, Run as RunRecord, RunStatus } from "@looplab/core";
import type { CodeSnapshotOptions, LocalCheckpoint } from "./artifact-io.js";
import { BinaryTransfer } from "./binary-transfer.js";
import { DeliveryQueue } from "./delivery-queue.js";
import { PointBuffer } from "./point-buffer.js";
import {
  type ArtifactSummary,
  RunArtifacts,
  type SaveArtifactOptions,
  type SaveCheckpointOptions,
  type SavedArtifacts,
  type UsedArtifact,
} from "./run-artifacts.js";
import { RunHeartbeat } from "./run-heartbeat.js";
import { RunLogs } from "./run-logs.js";
import type { FinishOptions, FinishResult, LogOptions, RunDeps, RunInfo, RunStats, TagsInput } from "./run-types.js";
import { sendRecord } from "./send-record.js";
import { type SpoolRoute, spoolRecordName } from "./spool.js";
import { runSoon, startTimer } from "./timer.js";

export type { FinishOptions, FinishResult, LogOptions, RunDeps, RunInfo, RunStats, TagsInput } from "./run-types.js";

/**
 * One run being logged. `log` costs well under a microsecond: it writes into columnar typed
 * arrays and returns; batches are built, sent, retried and spooled in the background.
 * Nothing here throws into the caller: problems go to the `onError` hook.
 */
export class Run {
  readonly id: string;
  readonly project: string;
  readonly record: RunRecord | null;
  /** The run's status as last reported by the server (heartbeats), if known. */
  remoteStatus: string | undefined;
  private state: "running" | "finishing" | "finished" = "running";
  private nextStep = 0;
  private seq = 0;
  private flushedPoints = 0;
  private peakPending = 0;
  private dropped = 0;
  private invalid = 0;
  private timerArmed = false;
  private soonArmed = false;
  private readonly heartbeats: RunHeartbeat;
  private finishing: Promise<FinishResult> | undefined;
  private readonly buffer = new PointBuffer();
  private readonly queue: DeliveryQueue;
  private readonly artifacts: RunArtifacts;
  private artifactSummary: ArtifactSummary = { saved: 0, failed: [] };
  private readonly reported = new Set<string>();
  private readonly logs: RunLogs;
  private logBatches = 0;
  /** Called once when the run stops running (console capture, system metrics). */
  private readonly closers: (() => void)[] = [];
  private readonly flushTick = () => {
    this.timerArmed = false;
    this.flushBuffer(false);
  };
  private readonly soonTick = () => {
    this.soonArmed = false;
    this.flushBuffer(false);
  };

  constructor(
    info: RunInfo,
    private readonly deps: RunDeps,
  ) {
    this.id = info.id;
    this.project = info.project;
    this.record = info.record;
    const s = deps.settings;
    this.queue = new DeliveryQueue({
      runId: info.id,
      send: (route, body) => sendRecord(deps.client, info.id, route, body),
      spool: deps.spool,
      spillThreshold: Math.floor(s.maxPendingPoints / 2),
      maxInFlight: s.maxInFlight,
      retry: s.retry,
      now: deps.now,
      random: deps.random,
      report: deps.report,
      onMemoryChange: () => this.updateLimit(),
      onSlotFree: () => this.flushBuffer(false),
      // Back from an outage: the server may have marked the run crashed meanwhile.
      onOnline: () => this.heartbeats.beat(0),
      onIdle: () => {
        if (this.state === "finished") this.settle();
      },
    });
    this.updateLimit();
    this.heartbeats = new RunHeartbeat({
      client: deps.client,
      runId: info.id,
      now: deps.now,
      running: () => this.state === "running",
      lastAckAt: () => this.queue.lastAckAt,
      offline: () => this.queue.offline,
      onStatus: (status) => {
        this.remoteStatus = status;
      },
      // Marked crashed during an outage, yet alive: resume it (after the records before).
      onCrashed: () => this.enqueueRecord("updateRun", { status: "running", resume: true }),
      reportOnce: (key, message) => this.reportOnce("heartbeat-failed", key, message),
    });
    this.logs = new RunLogs({
      enqueue: (body) => {
        const name = spoolRecordName(this.deps.now(), this.deps.session, ++this.seq, "appendLogs");
        this.queue.enqueue(name, "appendLogs", body, 0);
      },
      batchId: () => `${this.id}-${this.deps.session}-log-${++this.logBatches}`,
      now: deps.now,
    });
    this.artifacts = new RunArtifacts({
      runId: info.id,
      client: deps.client,
      transfer: deps.transfer ?? new BinaryTransfer({ url: deps.client.baseUrl }),
      io: deps.artifactIo,
      retry: s.retry,
      random: deps.random,
      report: deps.report,
    });
  }

  /** Picks up this run's records left in the spool, queues `initial` records, starts the heartbeat. */
  async start(initial: { route: SpoolRoute; body: unknown }[]): Promise<void> {
    await this.queue.loadSpooled();
    for (const r of initial) this.enqueueRecord(r.route, r.body);
    this.heartbeats.start(this.deps.settings.heartbeatIntervalMs);
  }

  /**
   * Records metric values at one step: `run.log({ "train/loss": 0.3 }, { step })`.
   * Never blocks and never throws; invalid keys or values are skipped and reported.
   */
  log(metrics: Readonly<Record<string, number>>, options?: LogOptions): void {
    if (this.state !== "running") {
      this.reportOnce("run-closed", "log", `log after finish on run ${this.id}`);
      return;
    }
    let step = this.nextStep;
    let time: number;
    if (options === undefined) time = this.deps.now();
    else {
      if (options.step !== undefined) step = options.step;
      time = options.time === undefined ? this.deps.now() : Math.floor(options.time);
      if (!(time >= 0 && time < 1e15)) {
        this.skip("time", options.time);
        return;
      }
    }
    if (!Number.isFinite(step)) {
      this.skip("step", step);
      return;
    }
    this.nextStep = step + 1;
    const buffer = this.buffer;
    for (const key in metrics) {
      const value = metrics[key];
      const id = buffer.keyId(key);
      if (id < 0 || typeof value !== "number") {
        this.skip(key, value);
        continue;
      }
      if (buffer.size >= buffer.limit && !this.makeRoom()) {
        this.drop(1);
        continue;
      }
      buffer.push(id, step, value, time);
    }
    if (buffer.size >= this.deps.settings.batchSize) {
      if (!this.soonArmed) {
        this.soonArmed = true;
        runSoon(this.soonTick);
      }
    } else if (!this.timerArmed) {
      this.timerArmed = true;
      startTimer(this.flushTick, this.deps.settings.flushIntervalMs);
    }
  }

  /**
   * Appends text to the run's console log (docs/logs.md), cut into lines at newlines; what
   * console capture does with stdout/stderr in Node. Sent in the background; never throws.
   */
  writeLog(text: string, stream: LogStream = "stdout"): void {
    if (this.state !== "running") return;
    this.logs.write(stream, String(text));
  }

  /**
   * @internal System metrics: one small batch of its own on the outbox (retried and spooled like
   * any batch), apart from the caller's points — `log`'s step and `stats()` are left as they were.
   */
  logAtStep(metrics: Readonly<Record<string, number>>, step: number): void {
    if (this.state !== "running") return;
    const time = this.deps.now();
    const points = Object.entries(metrics)
      .filter(([, value]) => Number.isFinite(value))
      .map(([key, value]) => ({ key, step, value, time }));
    if (points.length === 0) return;
    this.enqueueRecord("logMetrics", { batchId: `${this.id}-${this.deps.session}-sys-${++this.logBatches}`, points });
  }

  /** @internal Runs `fn` once when the run stops running (finish or process exit). */
  onStop(fn: () => void): void {
    if (this.state === "running") this.closers.push(fn);
    else fn();
  }

  /** Sets tags (merged with the run's): `["baseline"]` or `{ team: "vision" }`. */
  setTags(tags: TagsInput): void {
    this.update({ tags });
  }

  removeTags(keys: readonly string[]): void {
    this.update({ removeTags: keys });
  }

  setNotes(notes: string): void {
    this.update({ notes });
  }

  /** Merges config changes by dotted path (kept as history on the server); null removes a path. */
  updateConfig(config: Readonly<Record<string, unknown>>): void {
    this.update({ config });
  }

  /**
   * Uploads a file or a folder (every file under it, relative paths kept) as artifacts of
   * this run: each file is hashed by streaming, sent in verified parts (nothing when the
   * server already holds the bytes), resumed after interruptions. Runs beside logging;
   * `finish()` waits for it. Rejects with the error when an upload fails for good.
   */
  saveArtifact(pathOnDisk: string, options?: SaveArtifactOptions): Promise<SavedArtifacts> {
    return this.artifacts.save(pathOnDisk, options);
  }

  /** Saves a checkpoint (a file or folder) at a step, with metrics: type `checkpoint`, under `checkpoints/step-<step>`. */
  saveCheckpoint(pathOnDisk: string, options: SaveCheckpointOptions): Promise<SavedArtifacts> {
    return this.artifacts.saveCheckpoint(pathOnDisk, options);
  }

  /** Records that this run used artifacts (lineage): `{ runId, path }` or `{ sha256 }`, or a list. */
  useArtifact(ref: UsedArtifact | readonly UsedArtifact[]): Promise<unknown> {
    return this.artifacts.use(ref);
  }

  /** Stores the working tree as `code/snapshot.tar.gz` (Node; see `init({ codeSnapshot })`). */
  saveCodeSnapshot(options?: CodeSnapshotOptions): Promise<SavedArtifacts> {
    return this.artifacts.saveCodeSnapshot(options);
  }

  /** The checkpoint this run resumed from (`init({ resume | resumeFrom })`), downloaded; null otherwise. */
  get resumeCheckpoint(): LocalCheckpoint | null {
    return this.artifacts.resumeCheckpoint;
  }

  /** @internal Set by `init` once the checkpoint is on disk. */
  setResumeCheckpoint(checkpoint: LocalCheckpoint | null): void {
    this.artifacts.resumeCheckpoint = checkpoint;
  }

  /** Sends everything logged so far and waits for the server's acknowledgement (or the timeout). */
  async flush(timeoutMs?: number): Promise<boolean> {
    this.flushBuffer();
    return this.queue.drain(timeoutMs);
  }

  /**
   * Flushes every point, then sets the final status. Waits up to the timeout; what is not
   * delivered by then stays in the spool (Node) and is replayed later, or keeps being retried
   * in the background (browser). Never throws.
   */
  finish(options: FinishOptions = {}): Promise<FinishResult> {
    if (this.finishing !== undefined) return this.finishing;
    this.finishing = this.doFinish(
      options.status ?? "finished",
      options.timeoutMs ?? this.deps.settings.finishTimeoutMs,
    );
    return this.finishing;
  }

  /** Sends one heartbeat now; resolves to the run's status on the server. */
  heartbeat(): Promise<string> {
    return this.heartbeats.send();
  }

  stats(): RunStats {
    const pending = this.pendingPoints();
    if (pending > this.peakPending) this.peakPending = pending;
    return {
      loggedPoints: this.flushedPoints + this.buffer.size,
      ackedPoints: this.queue.ackedPoints,
      pendingPoints: pending,
      peakPendingPoints: this.peakPending,
      droppedPoints: this.dropped,
      invalidValues: this.invalid,
      pendingRecords: this.queue.pendingRecords,
      spooledRecords: this.queue.spooledRecords,
      inFlightRecords: this.queue.inFlightRecords,
      offline: this.queue.offline,
      logLines: this.logs.stats(),
    };
  }

  get finished(): boolean {
    return this.state !== "running";
  }

  /**
   * Process exit (Node's `exit` event, nothing asynchronous can run): buffered points, queued
   * records and — for a run that was not finished — its final status go to the spool.
   */
  exitSync(exitCode: number): void {
    if (this.state !== "running") {
      this.queue.spillSync(true);
      return;
    }
    const status: RunStatus = exitCode === 0 ? "finished" : "failed";
    this.stopExtras();
    this.state = "finished";
    this.heartbeats.stop();
    this.flushBuffer();
    this.enqueueRecord("updateRun", { status, endedAt: this.deps.now() });
    this.queue.spillSync(true);
    this.finishing = Promise.resolve(this.result(status, false));
  }

  private async doFinish(requested: RunStatus, timeoutMs: number): Promise<FinishResult> {
    // Uploads first: the run is still alive (heartbeats) while its files go up.
    this.artifactSummary = await this.artifacts.drain();
    this.stopExtras();
    this.state = "finishing";
    this.heartbeats.stop();
    this.flushBuffer();
    // Stopped on the server by a person or a sweep: that status stands (crashed is resumed, see send-record).
    const stopped = this.remoteStatus === "killed" || this.remoteStatus === "pruned";
    const status = stopped ? (this.remoteStatus as RunStatus) : requested;
    if (!stopped) this.enqueueRecord("updateRun", { status, endedAt: this.deps.now() });
    const delivered =
      (await this.queue.drain(timeoutMs)) &&
      this.queue.refusedRecords === 0 &&
      this.artifactSummary.failed.length === 0;
    if (!delivered) await this.queue.spillAll();
    this.state = "finished";
    if (this.queue.pendingRecords === 0) this.settle();
    return this.result(status, delivered);
  }

  /** Stops console capture and system metrics, then hands the last log lines to the outbox. */
  private stopExtras(): void {
    for (const close of this.closers.splice(0)) {
      try {
        close();
      } catch {
        // Stopping a helper never fails a finish.
      }
    }
    this.logs.close();
  }

  private result(status: RunStatus, delivered: boolean): FinishResult {
    return {
      status,
      delivered,
      pendingRecords: this.queue.pendingRecords,
      spooledRecords: this.queue.spooledRecords,
      droppedPoints: this.dropped,
      artifacts: this.artifactSummary,
    };
  }

  private update(body: Record<string, unknown>): void {
    if (this.state !== "running") {
      this.reportOnce("run-closed", "update", `update after finish on run ${this.id}`);
      return;
    }
    this.flushBuffer();
    this.enqueueRecord("updateRun", body);
  }

  private enqueueRecord(route: SpoolRoute, body: unknown): void {
    const seq = ++this.seq;
    this.queue.enqueue(spoolRecordName(this.deps.now(), this.deps.session, seq, route), route, JSON.stringify(body), 0);
  }

  /**
   * Moves buffered points into batches (JSON text) on the outbox; runs off the caller's path.
   * Unless `force`d, it waits while every request slot is taken: points keep accumulating in
   * the compact buffer and leave as one larger batch when a slot frees up, so a fast loop
   * costs fewer requests (each fetch has a fixed CPU cost) and a slow one still sends within
   * `flushIntervalMs`. While offline, points go out at once (to the spool).
   */
  private flushBuffer(force = true): void {
    const pending = this.pendingPoints();
    if (pending > this.peakPending) this.peakPending = pending;
    const s = this.deps.settings;
    while (this.buffer.size > 0 && (force || this.queue.offline || !this.queue.busy)) {
      const seq = ++this.seq;
      const batchId = `${this.id}-${this.deps.session}-${seq}`;
      const batch = this.buffer.takeBatch(batchId, s.maxBatchPoints, s.maxBatchBytes);
      this.flushedPoints += batch.points;
      const name = spoolRecordName(this.deps.now(), this.deps.session, seq, "logMetrics");
      this.queue.enqueue(name, "logMetrics", batch.body, batch.points);
    }
    this.buffer.compact();
    this.updateLimit();
  }

  /** The buffer hit its limit: grow it if the cap allows, else relieve memory synchronously. */
  private makeRoom(): boolean {
    const cap = this.deps.settings.maxPendingPoints;
    const buffer = this.buffer;
    if (buffer.size + this.queue.memoryPoints < cap) {
      buffer.grow(buffer.size + 1, cap - this.queue.memoryPoints);
      return buffer.size < buffer.limit;
    }
    this.flushBuffer();
    this.queue.spillSync(false);
    this.updateLimit();
    return buffer.size < buffer.limit;
  }

  private updateLimit(): void {
    const room = this.deps.settings.maxPendingPoints - this.queue.memoryPoints;
    this.buffer.limit = Math.max(0, Math.min(this.buffer.allocated, room));
  }

  private pendingPoints(): number {
    return this.buffer.size + this.queue.memoryPoints;
  }

  private settle(): void {
    this.deps.spool?.close();
    this.deps.onSettled?.();
  }

  private skip(what: string, value: unknown): void {
    this.invalid++;
    const text = `skipped ${JSON.stringify(what)}: ${String(value)} is not a valid metric key, step, time or value`;
    this.reportOnce("invalid-metric", `invalid:${what}`, text);
  }

  private drop(points: number): void {
    this.dropped += points;
    if (this.dropped === points || this.dropped % 100_000 < points) {
      this.deps.report({
        type: "dropped",
        message: `memory cap of ${this.deps.settings.maxPendingPoints} points reached with no spool; ${this.dropped} points dropped so far`,
        runId: this.id,
        points: this.dropped,
      });
    }
  }

  /** Reports the first occurrence of each `key` only (at most a few hundred distinct keys are kept). */
  private reportOnce(type: "run-closed" | "invalid-metric" | "heartbeat-failed", key: string, message: string): void {
    if (this.reported.has(key) || this.reported.size > 500) return;
    this.reported.add(key);
    this.deps.report({ type, message, runId: this.id });
  }
}
