import {
  type AppendLogsBody,
  failedPrecondition,
  invalidArgument,
  type LogPage,
  type LogStream,
  notFound,
} from "@looplab/core";
import type { Store } from "../ports/store.js";
import type { Clock } from "./clock.js";
import type { LogEvents } from "./event-bus.js";
import type { RunService } from "./run-service.js";

export type LogService = ReturnType<typeof createLogService>;

export interface ReadLogsRequest {
  after?: number | undefined;
  tail?: number | undefined;
  stream?: LogStream | undefined;
  limit: number;
}

/** A run's console log (docs/logs.md): appended in batches by agents and the SDK, read in pages. */
export function createLogService(store: Store, runs: RunService, clock: Clock, events?: LogEvents) {
  return {
    /** Stores one batch whole with the run's next sequence numbers; a batch id seen before is a no-op. */
    async append(runId: string, body: AppendLogsBody): Promise<{ stored: number; lastSeq: number }> {
      const run = await store.runs.getLiveness(runId);
      if (!run) throw notFound(`run '${runId}' not found`, { runId });
      if (run.deletedAt !== null) throw failedPrecondition(`run '${runId}' is deleted`, { runId });
      const now = clock.now();
      const result = await store.transaction(async (repos) => {
        if (body.batchId && (await repos.logs.claimBatch(runId, body.batchId, now))) {
          return { stored: 0, lastSeq: await repos.logs.lastSeq(runId) };
        }
        const appended = await repos.logs.append(runId, body.lines);
        // Writes count as heartbeats (DESIGN.md §4), refreshed at most every 250 ms.
        if (run.status === "running" && (run.heartbeatAt ?? 0) < now - 250) {
          await repos.runs.update(runId, { heartbeatAt: now });
        }
        return appended;
      });
      if (result.stored > 0) events?.logsStored(runId, run.projectId, result.lastSeq);
      return result;
    },

    /** A page after `after` (ascending), or the last `tail` lines; `hasMore` says if lines follow the page. */
    async read(runId: string, request: ReadLogsRequest): Promise<LogPage> {
      if (request.after !== undefined && request.tail !== undefined) {
        throw invalidArgument("pass either after or tail, not both", { field: "tail" });
      }
      await runs.requireRun(runId);
      const { stream, limit } = request;
      if (request.tail !== undefined) {
        // A tail ends at the run's (or stream's) last line: polling continues after it.
        const lines = await store.logs.read(runId, { tail: request.tail, stream, limit });
        return { lines, nextAfter: lines.at(-1)?.seq ?? 0, hasMore: false };
      }
      const after = request.after ?? 0;
      const read = await store.logs.read(runId, { after, stream, limit: limit + 1 });
      const lines = read.slice(0, limit);
      return { lines, nextAfter: lines.at(-1)?.seq ?? after, hasMore: read.length > limit };
    },
  };
}
