import { isApiError, isRetryable } from "./client-errors.js";
import { backoffDelay, type RetryPolicy } from "./retry-policy.js";
import type { OnSdkEvent } from "./sdk-events.js";
import { leftoversOfSplits, splitBatch } from "./split-batch.js";
import type { RunSpool, SpoolRoute } from "./spool.js";
import { runSoon, startInterval, startTimer, type TimerHandle } from "./timer.js";

export interface DeliveryQueueOptions {
  runId: string;
  /** Sends one record; resolves when the server acknowledged it, throws otherwise. */
  send(route: SpoolRoute, body: string): Promise<void>;
  spool: RunSpool | undefined;
  /** Points kept in memory while online before newer records go to the spool. */
  spillThreshold: number;
  maxInFlight: number;
  retry: RetryPolicy;
  now(): number;
  random(): number;
  report: OnSdkEvent;
  /** Called when the last waiting record settles (acknowledged or refused). */
  onIdle?(): void;
  /** Called when a request slot frees up: the time to hand over more points. */
  onSlotFree?(): void;
  /** Called when a send succeeds after the server had been unreachable. */
  onOnline?(): void;
  /** Called whenever `memoryPoints` changes. */
  onMemoryChange?(): void;
}

interface Entry {
  name: string;
  route: SpoolRoute;
  points: number;
  /** The JSON body while held in memory; null once it lives only in the spool. */
  body: string | null;
  onDisk: boolean;
  state: "idle" | "sending" | "spilling" | "done";
}

/**
 * The ordered outbox of one run: idempotent records (metric batches, run creation, updates)
 * sent oldest first, with up to `maxInFlight` metric batches at once; creation and updates
 * are barriers (sent alone, after everything before them). Failed sends back off
 * exponentially with jitter; while the server is unreachable every record goes to the spool,
 * and a spooled record is deleted only once the server acknowledged it.
 */
export class DeliveryQueue {
  memoryPoints = 0;
  ackedPoints = 0;
  ackedRecords = 0;
  /** Records the server refused for good (4xx). */
  refusedRecords = 0;
  offline = false;
  lastAckAt = 0;
  private entries: Entry[] = [];
  private head = 0;
  private open = 0;
  /** Records not yet acknowledged that have a copy in the spool. */
  private spooled = 0;
  private inFlight = 0;
  private failures = 0;
  private pausedUntil = 0;
  private resumeTimer: TimerHandle | undefined;
  private spillArmed = false;
  private spoolBlockedUntil = 0;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly o: DeliveryQueueOptions) {}

  get pendingRecords(): number {
    return this.open;
  }

  /**
   * True while every request slot is taken and nothing waits in the spool: new points are
   * better kept in the run's buffer, to leave later as one larger batch. With spooled records
   * ahead, new batches cannot go out soon anyway; they queue (and spill) behind them.
   */
  get busy(): boolean {
    return this.inFlight >= this.o.maxInFlight && this.spooled === 0;
  }

  get inFlightRecords(): number {
    return this.inFlight;
  }

  get spooledRecords(): number {
    return this.spooled;
  }

  /** Adds the run's records left in the spool by earlier sessions; call before `enqueue`. */
  async loadSpooled(): Promise<number> {
    if (this.o.spool === undefined) return 0;
    const known = new Set(this.entries.map((e) => e.name));
    const records = await this.o.spool.list();
    const leftovers = new Set(leftoversOfSplits(records.map((r) => r.name)));
    for (const name of leftovers) await this.o.spool.remove(name);
    for (const r of records) {
      if (known.has(r.name) || leftovers.has(r.name)) continue;
      this.entries.push({ name: r.name, route: r.route, points: 0, body: null, onDisk: true, state: "idle" });
      this.open++;
      this.spooled++;
    }
    this.pump();
    return records.length;
  }

  enqueue(name: string, route: SpoolRoute, body: string, points: number): void {
    this.entries.push({ name, route, points, body, onDisk: false, state: "idle" });
    this.open++;
    this.memoryPoints += points;
    this.o.onMemoryChange?.();
    if (this.o.spool !== undefined && (this.offline || this.memoryPoints > this.o.spillThreshold)) this.spillSoon();
    this.pump();
  }

  /** Waits until every record is acknowledged; false when `timeoutMs` passed first. */
  drain(timeoutMs?: number, keepAlive = true): Promise<boolean> {
    if (this.open === 0) return Promise.resolve(true);
    // Waiting is when a retry should not sit out a long backoff.
    if (this.pausedUntil > this.o.now() + 1000) {
      this.pausedUntil = this.o.now() + 1000;
      if (this.resumeTimer !== undefined) clearTimeout(this.resumeTimer);
      this.resumeTimer = undefined;
    }
    this.armResume();
    return new Promise((resolve) => {
      const alive = keepAlive ? startInterval(() => {}, 1000, true) : undefined;
      const deadline = timeoutMs === undefined ? undefined : startTimer(() => done(false), timeoutMs, keepAlive);
      const done = (ok: boolean) => {
        if (alive !== undefined) clearInterval(alive);
        if (deadline !== undefined) clearTimeout(deadline);
        this.waiters = this.waiters.filter((w) => w !== onEmpty);
        resolve(ok);
      };
      const onEmpty = () => done(true);
      this.waiters.push(onEmpty);
    });
  }

  /**
   * Writes records held in memory to the spool, synchronously: at the memory cap and at
   * process exit. Records whose asynchronous spool write is under way are written too (same
   * name, same bytes, atomic rename: harmless twice). `includeInFlight` adds records being
   * sent (exit: their answer may never come; a resend is a no-op on the server).
   */
  spillSync(includeInFlight: boolean): number {
    const spool = this.o.spool;
    if (spool === undefined) return 0;
    let written = 0;
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as Entry;
      if (e.body === null || e.onDisk || e.state === "done") continue;
      if (e.state === "sending" && !includeInFlight) continue;
      try {
        spool.writeSync(e.name, e.body);
      } catch (error) {
        this.o.report({
          type: "spool-error",
          message: `spool write failed: ${String(error)}`,
          runId: this.o.runId,
          error,
        });
        return written;
      }
      this.markOnDisk(e);
      if (e.state !== "sending") this.release(e);
      written++;
    }
    return written;
  }

  /** Writes every idle record held in memory to the spool (after a finish timeout). */
  async spillAll(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i] as Entry;
      if (e.state === "idle" && e.body !== null && !e.onDisk) jobs.push(this.spillOne(e));
    }
    await Promise.all(jobs);
  }

  /** Stops scheduling sends; in-flight requests still settle. */
  close(): void {
    this.closed = true;
    if (this.resumeTimer !== undefined) clearTimeout(this.resumeTimer);
    this.resumeTimer = undefined;
  }

  pump(): void {
    if (this.closed) return;
    const now = this.o.now();
    if (now < this.pausedUntil) {
      this.armResume();
      return;
    }
    while (this.head < this.entries.length && (this.entries[this.head] as Entry).state === "done") this.head++;
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    for (let i = this.head; i < this.entries.length && this.inFlight < this.o.maxInFlight; i++) {
      const e = this.entries[i] as Entry;
      if (e.route !== "logMetrics") {
        if (i === this.head && this.inFlight === 0 && e.state === "idle") this.start(e);
        return;
      }
      if (e.state === "idle") this.start(e);
    }
  }

  private start(e: Entry): void {
    e.state = "sending";
    this.inFlight++;
    this.deliver(e).finally(() => {
      this.inFlight--;
      this.o.onSlotFree?.();
      if (this.open === 0) {
        for (const w of this.waiters.slice()) w();
        this.o.onIdle?.();
      }
      this.pump();
    });
  }

  private async deliver(e: Entry): Promise<void> {
    let body = e.body;
    if (body === null) {
      try {
        body = (await this.o.spool?.read(e.name)) ?? null;
      } catch (error) {
        e.state = "idle";
        this.o.report({
          type: "spool-error",
          message: `spool read failed: ${String(error)}`,
          runId: this.o.runId,
          error,
        });
        this.pause(undefined);
        return;
      }
      // Gone: another process delivered it and removed it.
      if (body === null) return this.complete(e, false);
    }
    try {
      await this.o.send(e.route, body);
    } catch (error) {
      return this.fail(e, body, error);
    }
    this.failures = 0;
    this.lastAckAt = this.o.now();
    if (this.offline) {
      this.offline = false;
      this.o.report({ type: "online", message: "server reachable again; delivering", runId: this.o.runId });
      this.o.onOnline?.();
    }
    await this.complete(e, true);
  }

  private async complete(e: Entry, acked: boolean): Promise<void> {
    if (e.onDisk && this.o.spool !== undefined) {
      try {
        await this.o.spool.remove(e.name);
      } catch (error) {
        this.o.report({
          type: "spool-error",
          message: `spool remove failed: ${String(error)}`,
          runId: this.o.runId,
          error,
        });
      }
    }
    this.finishEntry(e);
    if (acked) {
      this.ackedPoints += e.points;
      this.ackedRecords++;
    }
  }

  private async fail(e: Entry, body: string, error: unknown): Promise<void> {
    if (isRetryable(error)) {
      e.state = "idle";
      this.failures++;
      if (!this.offline) {
        this.offline = true;
        const where = this.o.spool === undefined ? "kept in memory" : "spooling";
        this.o.report({
          type: "offline",
          message: `server unavailable (${errorText(error)}); ${where}`,
          runId: this.o.runId,
          error,
        });
      }
      this.pause(isApiError(error) ? error.retryAfterMs : undefined);
      if (this.o.spool !== undefined) this.spillSoon();
      return;
    }
    if (isApiError(error) && error.code === "PAYLOAD_TOO_LARGE" && e.route === "logMetrics") {
      const halves = splitBatch(e.name, body);
      if (halves !== undefined) return this.replaceWith(e, halves);
    }
    this.refusedRecords++;
    const kept = await this.keepRejected(e, body, errorText(error));
    const what = e.route === "logMetrics" ? `batch ${e.name} (${e.points || "?"} points)` : `${e.route} ${e.name}`;
    this.o.report({
      type: kept || e.points === 0 ? "rejected" : "dropped",
      message: `server refused ${what}: ${errorText(error)}${kept ? "; kept in the spool's rejected/ folder" : ""}`,
      runId: this.o.runId,
      points: e.points,
      error,
    });
    this.finishEntry(e);
  }

  /**
   * Puts the halves of a split batch where the batch was. A spooled batch is replaced on disk
   * all or nothing: a half left beside its original would be sent twice under two batch ids.
   */
  private async replaceWith(e: Entry, halves: { name: string; body: string; points: number }[]): Promise<void> {
    const parts: Entry[] = halves.map((h) => ({ ...h, route: "logMetrics", onDisk: false, state: "idle" }));
    const spool = this.o.spool;
    if (e.onDisk && spool !== undefined) {
      const written: string[] = [];
      try {
        for (const p of parts) {
          await spool.write(p.name, p.body as string);
          written.push(p.name);
        }
        await spool.remove(e.name);
      } catch (error) {
        for (const name of written) await spool.remove(name).catch(() => {});
        e.state = "idle";
        this.o.report({ type: "spool-error", message: `spool write failed: ${String(error)}`, runId: this.o.runId });
        this.pause(undefined);
        return;
      }
      for (const p of parts) this.markOnDisk(p);
      this.spooled--;
    }
    this.entries.splice(this.entries.indexOf(e), 1, ...parts);
    this.open += parts.length - 1;
    this.memoryPoints += parts.reduce((sum, p) => sum + p.points, 0) - (e.body === null ? 0 : e.points);
    this.o.onMemoryChange?.();
  }

  /** A refused record goes to the spool's `rejected/` folder when there is a spool. */
  private async keepRejected(e: Entry, body: string, reason: string): Promise<boolean> {
    const spool = this.o.spool;
    if (spool === undefined) return false;
    try {
      if (!e.onDisk) await spool.write(e.name, body);
      await spool.reject(e.name, reason);
      return true;
    } catch (error) {
      this.o.report({
        type: "spool-error",
        message: `spool reject failed: ${String(error)}`,
        runId: this.o.runId,
        error,
      });
      return false;
    }
  }

  private markOnDisk(e: Entry): void {
    if (e.onDisk) return;
    e.onDisk = true;
    this.spooled++;
  }

  private finishEntry(e: Entry): void {
    if (e.onDisk) this.spooled--;
    if (e.body !== null) this.release(e);
    e.state = "done";
    this.open--;
  }

  private release(e: Entry): void {
    if (e.body === null) return;
    e.body = null;
    this.memoryPoints -= e.points;
    this.o.onMemoryChange?.();
  }

  private pause(retryAfterMs: number | undefined): void {
    this.pausedUntil = this.o.now() + backoffDelay(this.o.retry, this.failures, this.o.random, retryAfterMs);
    this.armResume();
  }

  private armResume(): void {
    if (this.resumeTimer !== undefined || this.closed) return;
    const wait = Math.max(0, this.pausedUntil - this.o.now());
    this.resumeTimer = startTimer(() => {
      this.resumeTimer = undefined;
      this.pump();
    }, wait);
  }

  private spillSoon(): void {
    if (this.spillArmed) return;
    this.spillArmed = true;
    runSoon(() => {
      this.spillArmed = false;
      this.spill();
    });
  }

  /** Offline: every idle record in memory goes to disk. Online: the newest, down to the threshold. */
  private spill(): void {
    if (this.o.spool === undefined || this.o.now() < this.spoolBlockedUntil) return;
    let excess = this.offline ? Number.POSITIVE_INFINITY : this.memoryPoints - this.o.spillThreshold;
    for (let i = this.entries.length - 1; i >= this.head && excess > 0; i--) {
      const e = this.entries[i] as Entry;
      if (e.state !== "idle" || e.body === null || e.onDisk) continue;
      excess -= e.points;
      void this.spillOne(e);
    }
  }

  private async spillOne(e: Entry): Promise<void> {
    const spool = this.o.spool;
    if (spool === undefined || e.body === null) return;
    e.state = "spilling";
    const body = e.body;
    try {
      await spool.write(e.name, body);
      this.markOnDisk(e);
      e.state = "idle";
      this.release(e);
    } catch (error) {
      e.state = "idle";
      // Unless a synchronous spill wrote it meanwhile, the record stays in memory.
      if (!e.onDisk) {
        this.spoolBlockedUntil = this.o.now() + 5000;
        this.o.report({
          type: "spool-error",
          message: `spool write failed: ${String(error)}`,
          runId: this.o.runId,
          error,
        });
      }
    }
    this.pump();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
