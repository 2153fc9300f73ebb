import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { notFoundHandler } from "./error-handler.js";

const notBuiltPage = `<!doctype html><html><head><meta charset="utf-8"><title>Looplab</title></head>
<body style="font-family:system-ui;max-width:640px;margin:60px auto">
<h1>Looplab server is running</h1>
<p>The dashboard has not been built. Run <code>npm start</code> (it builds the dashboard when needed),
or <code>npm run build -w @looplab/web</code>, then reload.</p>
<p>The API answers at <a href="/api/v1/health">/api/v1/health</a>; its description is at
<a href="/api/openapi.json">/api/openapi.json</a>.</p></body></html>`;

const isPageRequest = (request: FastifyRequest) =>
  (request.method === "GET" || request.method === "HEAD") &&
  !request.url.startsWith("/api/") &&
  !request.url.startsWith("/ajax-api/");

/**
 * Serves the built dashboard (apps/web/dist) at `/`. Client-side routes (`/projects/x`, `/runs/id`)
 * get index.html; API paths keep the JSON 404. Without a build, `/` explains how to build it.
 */
export async function installWebUi(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const built = webRoot !== undefined && existsSync(join(webRoot, "index.html"));
  if (!built) {
    app.setNotFoundHandler(notFoundHandler);
    app.get("/", { schema: { hide: true } }, async (_request, reply) => reply.type("text/html").send(notBuiltPage));
    return;
  }
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, path) => {
      // Hashed file names never change content: cache them for a year; index.html is revalidated.
      res.setHeader("cache-control", path.includes("/assets/") ? "public, max-age=31536000, immutable" : "no-cache");
    },
  });
  app.setNotFoundHandler((request, reply) => {
    if (isPageRequest(request)) {
      return reply.header("cache-control", "no-cache").sendFile("index.html");
    }
    return notFoundHandler(request, reply);
  });
}
