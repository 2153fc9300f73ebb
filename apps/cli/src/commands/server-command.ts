import type { Command } from "commander";

export function registerServerCommand(program: Command): void {
  program
    .command("server")
    .description("start the Looplab server (API and dashboard)")
    .option("--host <host>", "address to bind (default 127.0.0.1)")
    .option("--port <port>", "port to listen on (default 7373)")
    .option("--db <url>", "sqlite:PATH (default sqlite:./.looplab/looplab.db) or postgres://…")
    .option("--artifacts <location>", "artifact folder or s3://bucket/prefix (default ./.looplab/artifacts)")
    .option(
      "--artifacts-fsync <when>",
      "immediate: fsync each artifact before it becomes visible; deferred: within a second after (default deferred)",
    )
    .option("--artifact-quota <size>", "default artifact quota per project, e.g. 500GB or 10GiB (default: none)")
    .option(
      "--heartbeat-timeout <duration>",
      "mark a running run crashed after this long without a heartbeat (default 5m)",
    )
    .option(
      "--lease-timeout <duration>",
      "re-queue a job when its agent sends no heartbeat for this long (default 60s)",
    )
    .option("--deleted-retention <duration>", "purge soft-deleted runs after this long (default 30d)")
    .option("--allow-unauthenticated-remote", "allow binding a non-loopback address without authentication")
    .option("--log-level <level>", "fatal|error|warn|info|debug|trace|silent (default info)")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      // Imported here so that other commands do not pay for loading the server.
      const { describeStartError, runServerMain } = await import("@looplab/server");
      try {
        await runServerMain({
          host: opts.host as string | undefined,
          port: opts.port as string | undefined,
          db: opts.db as string | undefined,
          artifacts: opts.artifacts as string | undefined,
          artifactsFsync: opts.artifactsFsync as "deferred" | undefined,
          artifactQuota: opts.artifactQuota as string | undefined,
          heartbeatTimeout: opts.heartbeatTimeout as string | undefined,
          leaseTimeout: opts.leaseTimeout as string | undefined,
          deletedRetention: opts.deletedRetention as string | undefined,
          allowUnauthenticatedRemote: opts.allowUnauthenticatedRemote as boolean | undefined,
          logLevel: opts.logLevel as "info" | undefined,
        });
        await new Promise(() => {});
      } catch (error) {
        process.stderr.write(`looplab server: ${describeStartError(error)}\n`);
        process.exit(2);
      }
    });
}
