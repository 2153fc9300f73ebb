import type { FastifyInstance } from "fastify";

/** One structured event per request (DESIGN.md §10): debug when it went well, warn/error otherwise. */
export function installRequestLog(app: FastifyInstance): void {
  // Server-Timing lets clients and benchmarks see server time apart from the network.
  app.addHook("onSend", async (_request, reply, payload) => {
    void reply.header("server-timing", `app;dur=${reply.elapsedTime.toFixed(2)}`);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    const event = {
      method: request.method,
      route: request.routeOptions.url,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      reqId: request.id,
    };
    if (reply.statusCode >= 500) request.log.error(event, "request failed");
    else if (reply.statusCode >= 400) request.log.warn(event, "request refused");
    else request.log.debug(event, "request");
  });
}
