/**
 * @looplab/sdk — browser-safe entry (no node:* imports). Node gets `./node.ts` through the
 * package's `node` export condition, which adds the disk spool, git capture and exit hooks.
 */

export type { MetricDefinition, Run as RunRecord, RunList, RunStatus } from "@looplab/core";
export { isLooplabError, LooplabError } from "@looplab/core";
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
export type { ReplayResult } from "./replay-spool.js";
export { defaultRetryPolicy, type RetryPolicy } from "./retry-policy.js";
export type { CallArgs, CallInput, CallOutput, RequestOptions, RouteBody, RouteQuery } from "./route-types.js";
export { type FinishOptions, type FinishResult, type LogOptions, Run, type RunStats, type TagsInput } from "./run.js";
export { defaultRunSettings, type RunSettings } from "./run-settings.js";
export type { OnSdkEvent, SdkEvent, SdkEventType } from "./sdk-events.js";
export type { RunSpool, Spool, SpoolRecordName, SpoolRoute } from "./spool.js";
