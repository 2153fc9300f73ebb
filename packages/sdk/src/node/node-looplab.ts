import { Looplab, type LooplabOptions } from "../looplab.js";
import { createNodeArtifactIo } from "./node-artifact-io.js";
import { createNodePlatform, type NodePlatformOptions } from "./node-platform.js";

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
}
