import type { LooplabClient } from "./client.js";
import { wasCrashed } from "./send-record.js";
import { startInterval } from "./timer.js";

export interface RunHeartbeatDeps {
  client: LooplabClient;
  runId: string;
  now(): number;
  /** Whether the run is still logging (heartbeats stop once it finishes). */
  running(): boolean;
  /** When a write was last acknowledged: that proves the run alive as well as a heartbeat. */
  lastAckAt(): number;
  offline(): boolean;
  /** The server's status of the run, from a heartbeat's answer or refusal. */
  onStatus(status: string): void;
  /** Marked crashed during an outage, yet alive: the run queues its resume. */
  onCrashed(): void;
  /** Reports a problem once per `key`. */
  reportOnce(key: string, message: string): void;
}

/** A run's liveness signal: a heartbeat every `intervalMs` unless other writes proved it alive. */
export class RunHeartbeat {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly deps: RunHeartbeatDeps) {}

  start(every: number): void {
    if (every > 0) this.timer = startInterval(() => this.beat(every), every);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Sends one heartbeat now; resolves to the run's status on the server. */
  async send(): Promise<string> {
    const answer = await this.deps.client.call("heartbeat", { params: { runId: this.deps.runId }, timeoutMs: 10_000 });
    this.deps.onStatus(answer.status);
    return answer.status;
  }

  /** Sends a heartbeat unless another write acknowledged within `every` ms proved the run alive. */
  beat(every: number): void {
    const d = this.deps;
    if (!d.running() || (every > 0 && d.now() - d.lastAckAt() < every)) return;
    this.send().catch((error: unknown) => {
      if (!d.running()) return;
      if (wasCrashed(error)) {
        d.onCrashed();
        return;
      }
      const status = (error as { details?: { status?: unknown } }).details?.status;
      if (typeof status === "string") {
        d.onStatus(status);
        d.reportOnce("stopped", `run is ${status} on the server; its points are still stored`);
      } else if (!d.offline()) {
        d.reportOnce("heartbeat", `heartbeat failed: ${String(error)}`);
      }
    });
  }
}
