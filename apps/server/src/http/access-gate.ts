import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * The one authentication/authorisation hook every route passes (DESIGN.md §2.8).
 * Until tokens and roles exist it admits every request; the server refuses to bind a
 * non-loopback address unless explicitly allowed, so this is safe by construction.
 */
export type AccessPolicy = (request: FastifyRequest) => Promise<void>;

export const openAccess: AccessPolicy = async () => {};

export function installAccessGate(app: FastifyInstance, policy: AccessPolicy): void {
  app.addHook("onRequest", async (request) => {
    await policy(request);
  });
}

export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
