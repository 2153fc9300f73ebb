import type { Run as RunRecord, RunStatus } from "@looplab/core";
import type { LooplabClient } from "./client.js";
import { DeliveryQueue } from "./delivery-queue.js";
import { PointBuffer } from "./point-buffer.js";
import type { RunSettings } from "./run-settings.js";
import type { OnSdkEvent } from "./sdk-events.js";
import { sendRecord, wasCrashed } from "./send-record.js";
import { type RunSpool, type SpoolRoute, spoolRecordName } from "./spool.js";
import { runSoon, startInterval, startTimer } from "./timer.js";

export interface LogOptions {
  /** Defaults to the previous step + 1 (0 for the first call). */
  step?: number;
  /** Wall time, epoch ms; defaults to now. */
  time?: number;
}

export type TagsInput = readonly string[] | Readonly<Record<string, string>>;

export interface FinishOptions {
  /** Default "finished". */
  status?: Extract<RunStatus, "finished" | "failed" | "killed">;
  /** Default: the `finishTimeoutMs` setting. What is left then stays in the spool. */
  timeoutMs?: number;
}

export interface FinishResult {
  /** The run's final status: the one asked for, or the server's when it was killed or pruned there. */
  status: RunStatus;
  /** True when the server acknowledged every point and the final status, and refused nothing. */
  delivered: boolean;
  /** Records still waiting (in the spool where there is one). */
  pendingRecords: number;
  spooledRecords: number;
  droppedPoints: number;
}

export interface RunStats {
  /** Points accepted by `log`. */
  loggedPoints: number;
  /** Points acknowledged by the server. */
  ackedPoints: number;
  /** Points held in memory: buffered, queued or in flight. */
  pendingPoints: number;
  /** Highest `pendingPoints` seen. */
  peakPendingPoints: number;
  /** Points lost to the memory cap without a spool, or refused by the server without a spool. */
  droppedPoints: number;
  /** Values skipped because their key or value was not a metric. */
  invalidValues: number;
  pendingRecords: number;
  spooledRecords: number;
  inFlightRecords: number;
  offline: boolean;
}

export interface RunDeps {
  client: LooplabClient;
  spool: RunSpool | undefined;
  settings: RunSettings;
  report: OnSdkEvent;
  now(): number;
  random(): number;
  /** Random per process session: part of batch ids and spool record names. */
  session: string;
  /** Called once the run has finished and its outbox is empty. */
  onSettled?(run: Run): void;
}

export interface RunInfo {
  id: string;
  project: string;
  /** The server's record at `init`; null when the run was started offline. */
  record: RunRecord | null;
}

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
  private heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  private finishing: Promise<FinishResult> | undefined;
  private readonly buffer = new PointBuffer();
  private readonly queue: DeliveryQueue;
  private readonly reported = new Set<string>();
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
      onOnline: () => this.beat(0),
      onIdle: () => {
        if (this.state === "finished") this.settle();
      },
    });
    this.updateLimit();
  }

  /** Picks up this run's records left in the spool, queues `initial` records, starts the heartbeat. */
  async start(initial: { route: SpoolRoute; body: unknown }[]): Promise<void> {
    await this.queue.loadSpooled();
    for (const r of initial) this.enqueueRecord(r.route, r.body);
    const every = this.deps.settings.heartbeatIntervalMs;
    if (every > 0) this.heartbeatTimer = startInterval(() => this.beat(every), every);
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
  async heartbeat(): Promise<string> {
    const answer = await this.deps.client.call("heartbeat", { params: { runId: this.id }, timeoutMs: 10_000 });
    this.remoteStatus = answer.status;
    return answer.status;
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
    this.state = "finished";
    this.stopHeartbeat();
    this.flushBuffer();
    this.enqueueRecord("updateRun", { status, endedAt: this.deps.now() });
    this.queue.spillSync(true);
    this.finishing = Promise.resolve(this.result(status, false));
  }

  private async doFinish(requested: RunStatus, timeoutMs: number): Promise<FinishResult> {
    this.state = "finishing";
    this.stopHeartbeat();
    this.flushBuffer();
    // Stopped on the server by a person or a sweep: that status stands (crashed is resumed, see send-record).
    const stopped = this.remoteStatus === "killed" || this.remoteStatus === "pruned";
    const status = stopped ? (this.remoteStatus as RunStatus) : requested;
    if (!stopped) this.enqueueRecord("updateRun", { status, endedAt: this.deps.now() });
    const delivered = (await this.queue.drain(timeoutMs)) && this.queue.refusedRecords === 0;
    if (!delivered) await this.queue.spillAll();
    this.state = "finished";
    if (this.queue.pendingRecords === 0) this.settle();
    return this.result(status, delivered);
  }

  private result(status: RunStatus, delivered: boolean): FinishResult {
    return {
      status,
      delivered,
      pendingRecords: this.queue.pendingRecords,
      spooledRecords: this.queue.spooledRecords,
      droppedPoints: this.dropped,
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

  /** Sends a heartbeat unless another write acknowledged within `every` ms proved the run alive. */
  private beat(every: number): void {
    if (this.state !== "running" || (every > 0 && this.deps.now() - this.queue.lastAckAt < every)) return;
    this.heartbeat().catch((error: unknown) => {
      if (this.state !== "running") return;
      if (wasCrashed(error)) {
        // Marked crashed during an outage, yet alive: resume it (after the records before).
        this.enqueueRecord("updateRun", { status: "running", resume: true });
        return;
      }
      const status = (error as { details?: { status?: unknown } }).details?.status;
      if (typeof status === "string") {
        this.remoteStatus = status;
        this.reportOnce("heartbeat-failed", "stopped", `run is ${status} on the server; its points are still stored`);
      } else if (!this.queue.offline) {
        this.reportOnce("heartbeat-failed", "heartbeat", `heartbeat failed: ${String(error)}`);
      }
    });
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer !== undefined) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private settle(): void {
    this.deps.spool?.close();
    this.deps.onSettled?.(this);
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
