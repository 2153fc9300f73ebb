/**
 * @looplab/sdk for Node: everything of the browser entry, with `Looplab` wired to the Node
 * platform (folder spool, git/host/command capture, exit hooks).
 */

export * from "./index.js";
export { createExitHooks } from "./node/exit-hooks.js";
export { createFileSpool, defaultSpoolDir } from "./node/file-spool.js";
export { captureGitInfo } from "./node/git-info.js";
export { NodeLooplab as Looplab, type NodeLooplabOptions as LooplabOptions } from "./node/node-looplab.js";
export { createNodePlatform, type NodePlatformOptions, stderrReporter } from "./node/node-platform.js";
export { captureRunContext } from "./node/run-context.js";
