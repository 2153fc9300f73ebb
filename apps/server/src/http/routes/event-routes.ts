import { routes } from "@looplab/core";
import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/index.js";
import { registerRoute } from "../register-route.js";
import { createSseStream, type SseStream } from "../sse-stream.js";

/** Tells the browser's EventSource how long to wait before reconnecting (ms). */
const RETRY_MS = 2_000;

/**
 * `GET /api/v1/projects/:project/events`: the project's live events as Server-Sent Events
 * (docs/dashboard-api.md). Open streams end when the server closes, so `app.close()` never
 * waits on them.
 */
export function registerEventRoutes(app: FastifyInstance, s: Services): void {
  const open = new Set<SseStream>();
  app.addHook("preClose", async () => {
    for (const stream of [...open]) stream.end();
  });
  app.addHook("onClose", async () => s.events.close());

  registerRoute(app, routes.projectEvents, async ({ params, query, request, reply }) => {
    const project = await s.projects.require(params.project);
    const runIds = query.runIds ? new Set(query.runIds) : undefined;
    const header = request.headers["last-event-id"];
    const lastEventId = typeof header === "string" && header.trim() !== "" ? Number(header) : undefined;

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    let unsubscribe = () => {};
    let ping: ReturnType<typeof setInterval> | undefined;
    const stream = createSseStream(res, {
      resetEvent: () => ({ id: s.events.lastId(), data: { reason: "slow-consumer" } }),
      onClose: () => {
        unsubscribe();
        if (ping) clearInterval(ping);
        open.delete(stream);
      },
    });
    open.add(stream);
    res.write(`retry: ${RETRY_MS}\n\n`);
    // Subscribing and replaying happen in one tick: no event can fall between them.
    unsubscribe = s.events.subscribe(project.name, runIds, (event) => stream.send(event.type, event.id, event.data));
    let resumed = false;
    if (lastEventId !== undefined) {
      const replay = s.events.replay(project.name, runIds, lastEventId);
      if (replay.kind === "reset") stream.send("reset", s.events.lastId(), { reason: replay.reason });
      else {
        resumed = true;
        for (const event of replay.events) stream.send(event.type, event.id, event.data);
      }
    }
    stream.send("ready", undefined, { lastEventId: String(s.events.lastId()), resumed });
    ping = setInterval(() => stream.comment("ping"), s.events.pingMs);
    ping.unref?.();
    if (stream.closed) {
      unsubscribe();
      clearInterval(ping);
    }
    return undefined;
  });
}
