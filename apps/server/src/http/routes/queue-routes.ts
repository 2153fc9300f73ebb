import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";

/** Jobs, the agent protocol and queues (docs/queue.md). Sweeps and run logs have their own files. */
export function registerQueueRoutes(app: FastifyInstance, s: Services): void {
  const q = s.queue;
  registerRoute(app, routes.enqueueJobs, async ({ body }) => ({ jobs: await q.enqueue(body), nextPageToken: null }));
  registerRoute(app, routes.listJobs, ({ query }) => q.list(query));
  registerRoute(app, routes.getJob, ({ params }) => q.get(params.jobId));
  registerRoute(app, routes.updateJob, ({ params, body }) => q.updatePriority(params.jobId, body.priority));
  registerRoute(app, routes.cancelJob, ({ params, body }) => q.cancel(params.jobId, body.reason));
  registerRoute(app, routes.requeueJob, ({ params }) => q.requeue(params.jobId));

  registerRoute(app, routes.registerAgent, ({ body }) => q.registerAgent(body));
  registerRoute(app, routes.listAgents, async ({ query }) => {
    const all = query.includeOffline === true || query.includeOffline === "true" || query.includeOffline === "1";
    return { agents: await q.listAgents(all) };
  });
  registerRoute(app, routes.getAgent, ({ params }) => q.getAgent(params.agentId));
  registerRoute(app, routes.agentHeartbeat, ({ params, body }) => q.heartbeat(params.agentId, body));
  registerRoute(app, routes.claimJob, async ({ params, body, reply }) => {
    // A long poll whose agent hung up must not keep a job leased to nobody.
    const hungUp = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) hungUp.abort();
    };
    reply.raw.once("close", onClose);
    try {
      return { job: await q.claim(params.agentId, body, hungUp.signal) };
    } finally {
      reply.raw.off("close", onClose);
    }
  });
  registerRoute(app, routes.deregisterAgent, async ({ params }) => {
    await q.deregister(params.agentId);
    return { ok: true as const };
  });
  registerRoute(app, routes.startJob, ({ params, body }) => q.start(params.jobId, body));
  registerRoute(app, routes.finishJob, ({ params, body }) => q.finish(params.jobId, body));
  registerRoute(app, routes.releaseJob, ({ params, body }) => q.release(params.jobId, body));

  registerRoute(app, routes.listQueues, async () => ({ queues: await q.listQueues() }));
  registerRoute(app, routes.putQueue, ({ params, body }) => q.putQueue(params.queue, body.concurrencyLimit));
}
