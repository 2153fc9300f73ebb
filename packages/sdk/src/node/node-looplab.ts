import { type InitOptions, Looplab, type LooplabOptions } from "../looplab.js";
import type { Run } from "../run.js";
import { captureConsole } from "./console-capture.js";
import { createNodeArtifactIo } from "./node-artifact-io.js";
import { createNodePlatform, type NodePlatformOptions } from "./node-platform.js";
import { startSystemMetrics } from "./system-metrics.js";

export interface NodeLooplabOptions extends LooplabOptions, NodePlatformOptions {
  /** Where open artifact uploads are remembered for the next process (default `~/.looplab/uploads`; false: nowhere). */
  uploadSessionsDir?: string | false;
}

/**
 * `Looplab` as imported in Node: runs record git/host/command at init, records that cannot be
 * delivered go to a folder spool and are replayed (also by the next process), and pending
 * points are flushed on SIGINT/SIGTERM/beforeExit/exit.
 */
export class NodeLooplab extends Looplab {
  constructor(options: NodeLooplabOptions = {}) {
    const { spoolDir, exitFlushTimeoutMs, uploadSessionsDir, ...rest } = options;
    const platformOptions: NodePlatformOptions = {};
    if (spoolDir !== undefined) platformOptions.spoolDir = spoolDir;
    if (exitFlushTimeoutMs !== undefined) platformOptions.exitFlushTimeoutMs = exitFlushTimeoutMs;
    super({
      platform: createNodePlatform(platformOptions),
      artifactIo: createNodeArtifactIo(uploadSessionsDir === undefined ? {} : { uploadSessionsDir }),
      ...rest,
    });
  }

  /** Starts the run, then console capture and system metrics (docs/logs.md) unless turned off. */
  override async init(input: InitOptions): Promise<Run> {
    const run = await super.init(input);
    // A queued job: the agent already captures its output and samples its machine.
    if (this.platform.env("LOOPLAB_JOB_ID")) return run;
    if (input.captureConsole !== false) run.onStop(captureConsole((stream, text) => run.writeLog(text, stream)));
    if (input.systemMetrics !== false) {
      const intervalMs = (typeof input.systemMetrics === "object" && input.systemMetrics.intervalMs) || 10_000;
      const cudaVisibleDevices = this.platform.env("CUDA_VISIBLE_DEVICES");
      run.onStop(startSystemMetrics({ intervalMs, log: (m, step) => run.logAtStep(m, step), cudaVisibleDevices }));
    }
    return run;
  }
}
