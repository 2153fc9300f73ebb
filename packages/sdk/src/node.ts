/**
 * @looplab/sdk for Node: everything of the browser entry, with `Looplab` wired to the Node
 * platform (folder spool, git/host/command capture, exit hooks).
 */

export { createExitHooks } from "./exit-hooks.js";
export { createFileSpool, defaultSpoolDir } from "./file-spool.js";
export { captureGitInfo } from "./git-info.js";
export * from "./index.js";
export { NodeLooplab as Looplab, type NodeLooplabOptions as LooplabOptions } from "./node-looplab.js";
export { createNodePlatform, type NodePlatformOptions, stderrReporter } from "./node-platform.js";
export { captureRunContext } from "./run-context.js";
