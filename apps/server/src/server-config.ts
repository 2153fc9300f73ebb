import { readFileSync } from "node:fs";
import { invalidArgument, parseDuration } from "@looplab/core";
import { z } from "zod";
import { parseByteSize } from "./artifacts/byte-size.js";

/** The server's settings: flags > LOOPLAB_* environment > config file > defaults (DESIGN.md §10). */
export const serverConfigSchema = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(7373),
  db: z.string().min(1).default("sqlite:./.looplab/looplab.db"),
  artifacts: z.string().min(1).default("./.looplab/artifacts"),
  /** When a blob in an artifact folder is fsync'd: before it becomes visible, or within a second after (blob-sync.ts). */
  artifactsFsync: z.enum(["immediate", "deferred"]).default("deferred"),
  /** Default artifact quota per project ("500GB", bytes); a project's own setting overrides it. */
  artifactQuota: z
    .union([z.string(), z.number()])
    .optional()
    .transform((v) => (v === undefined ? null : parseByteSize(v, "artifactQuota"))),
  heartbeatTimeout: z
    .union([z.string(), z.number()])
    .default("5m")
    .transform((v) => parseDuration(v, "heartbeatTimeout")),
  /** How long a queued job stays leased to an agent without a heartbeat (docs/queue.md). */
  leaseTimeout: z
    .union([z.string(), z.number()])
    .default("60s")
    .transform((v) => parseDuration(v, "leaseTimeout"))
    .refine((ms) => ms >= 1000, "leaseTimeout must be at least 1s"),
  /** Soft-deleted runs older than this are purged by garbage collection; "0" disables it. */
  deletedRetention: z
    .union([z.string(), z.number()])
    .default("30d")
    .transform((v) => parseDuration(v, "deletedRetention")),
  bodyLimit: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  allowUnauthenticatedRemote: z
    .union([z.boolean(), z.enum(["true", "false", "1", "0"])])
    .default(false)
    .transform((v) => v === true || v === "true" || v === "1"),
  /** Folder of the built dashboard; runServerMain defaults it to apps/web/dist. */
  webRoot: z.string().min(1).optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

const envNames: Record<keyof ServerConfigInput, string> = {
  host: "LOOPLAB_HOST",
  port: "LOOPLAB_PORT",
  db: "LOOPLAB_DB",
  artifacts: "LOOPLAB_ARTIFACTS",
  artifactsFsync: "LOOPLAB_ARTIFACTS_FSYNC",
  artifactQuota: "LOOPLAB_ARTIFACT_QUOTA",
  heartbeatTimeout: "LOOPLAB_HEARTBEAT_TIMEOUT",
  leaseTimeout: "LOOPLAB_LEASE_TIMEOUT",
  deletedRetention: "LOOPLAB_DELETED_RETENTION",
  bodyLimit: "LOOPLAB_BODY_LIMIT",
  allowUnauthenticatedRemote: "LOOPLAB_ALLOW_UNAUTHENTICATED_REMOTE",
  logLevel: "LOOPLAB_LOG_LEVEL",
  webRoot: "LOOPLAB_WEB_ROOT",
};

function fromEnv(env: Record<string, string | undefined>): Partial<ServerConfigInput> {
  const out: Record<string, string> = {};
  for (const [key, name] of Object.entries(envNames)) {
    const value = env[name];
    if (value !== undefined && value !== "") out[key] = value;
  }
  return out as Partial<ServerConfigInput>;
}

function fromFile(path: string | undefined): Partial<ServerConfigInput> {
  if (!path) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw invalidArgument(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  const server = (parsed as { server?: unknown }).server ?? parsed;
  return server as Partial<ServerConfigInput>;
}

const defined = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function resolveServerConfig(
  flags: Partial<ServerConfigInput>,
  env: Record<string, string | undefined> = process.env,
  configFile = env.LOOPLAB_CONFIG,
): ServerConfig {
  const merged = { ...defined(fromFile(configFile)), ...defined(fromEnv(env)), ...defined(flags) };
  const result = serverConfigSchema.strict().safeParse(merged);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalidArgument(`server config ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  return result.data;
}
