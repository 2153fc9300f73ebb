/**
 * @looplab/sdk for Node: everything of the browser entry, with `Looplab` wired to the Node
 * platform (folder spool, git/host/command capture, exit hooks).
 */

export * from "./index.js";
export {
  type DownloadOptions,
  type DownloadOutcome,
  downloadArtifactFile,
  downloadArtifactFiles,
  localTarget,
  PARTIAL_SUFFIX,
  type RemoteFile,
} from "./node/artifact-download.js";
export { DEFAULT_SNAPSHOT_MAX_BYTES, formatBytes, packCodeSnapshot } from "./node/code-snapshot.js";
export { createExitHooks } from "./node/exit-hooks.js";
export { createFileSpool, defaultSpoolDir } from "./node/file-spool.js";
export { captureGitInfo } from "./node/git-info.js";
export {
  crc32Checksum,
  fileSource,
  hashFile,
  type LocalFile,
  type LocalSelection,
  selectLocalFiles,
} from "./node/local-files.js";
export { createNodeArtifactIo, defaultCheckpointDir } from "./node/node-artifact-io.js";
export { nodeHttpFetch } from "./node/node-http-fetch.js";
export { NodeLooplab as Looplab, type NodeLooplabOptions as LooplabOptions } from "./node/node-looplab.js";
export { createNodePlatform, type NodePlatformOptions, stderrReporter } from "./node/node-platform.js";
export { captureRunContext } from "./node/run-context.js";
export { createFileUploadSessions, defaultUploadSessionsDir } from "./node/upload-sessions.js";
