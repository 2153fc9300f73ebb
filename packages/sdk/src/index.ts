/**
 * @looplab/sdk — browser-safe entry (no node:* imports). Node gets `./node.ts` through the
 * package's `node` export condition, which adds the disk spool, git capture and exit hooks.
 */

export type {
  MetricDefinition,
  ProjectEvent,
  Run as RunRecord,
  RunList,
  RunStatus,
} from "@looplab/core";
export { isLooplabError, LooplabError } from "@looplab/core";
export type { ArtifactIo, CodeSnapshot, CodeSnapshotOptions, LocalCheckpoint, LocalUpload } from "./artifact-io.js";
export {
  type ArtifactFields,
  choosePartSize,
  type UploadDeps,
  type UploadOptions,
  type UploadOutcome,
  type UploadSessionMemory,
  type UploadSource,
  uploadArtifact,
  withRetries,
} from "./artifact-upload.js";
export { type BinaryRequest, BinaryTransfer, type BinaryTransferOptions, sha256Hex } from "./binary-transfer.js";
export { fetchLatestCheckpoint, type MetricsAfterCheckpoint } from "./checkpoint-resume.js";
export { type ClientOptions, createClient, type FetchLike, LooplabClient } from "./client.js";
export { isApiError, isNetworkError, isRetryable, LooplabApiError, LooplabNetworkError } from "./client-errors.js";
export { type InitOptions, Looplab, type LooplabOptions } from "./looplab.js";
export {
  browserPlatform,
  type ContextOptions,
  type ExitHooks,
  newRunId,
  type RunContext,
  type SdkPlatform,
} from "./platform.js";
export {
  type EventsTarget,
  type ProjectEventsSubscription,
  type SubscribeOptions,
  subscribeProjectEvents,
} from "./project-events.js";
export type { ReplayResult } from "./replay-spool.js";
export { defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";
export type { CallArgs, CallInput, CallOutput, RequestOptions, RouteBody, RouteQuery } from "./route-types.js";
export { type FinishOptions, type FinishResult, type LogOptions, Run, type RunStats, type TagsInput } from "./run.js";
export {
  type ArtifactFailure,
  type ArtifactSummary,
  CODE_SNAPSHOT_PATH,
  type SaveArtifactOptions,
  type SaveCheckpointOptions,
  type SavedArtifacts,
  type UsedArtifact,
} from "./run-artifacts.js";
export { defaultRunSettings, type RunSettings } from "./run-settings.js";
export type { OnSdkEvent, SdkEvent, SdkEventType } from "./sdk-events.js";
export type { RunSpool, Spool, SpoolRecordName, SpoolRoute } from "./spool.js";
