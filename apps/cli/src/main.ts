import { Command, CommanderError } from "commander";
import { registerAgentCommand } from "./commands/agent-command.js";
import { createCliContext, DEFAULT_SERVER_URL, describeError, exitCodeOf, serverUrl } from "./commands/api-client.js";
import { registerArtifactsCommand } from "./commands/artifacts-command.js";
import { registerCheckpointsCommand } from "./commands/checkpoints-command.js";
import { registerDevSeedCommand } from "./commands/dev-seed-command.js";
import { registerExportCommand } from "./commands/export-command.js";
import { registerImportCommand } from "./commands/import-command.js";
import { registerLogsCommand } from "./commands/logs-command.js";
import { registerModelsCommand } from "./commands/models-command.js";
import { registerOpenApiCommand } from "./commands/openapi-command.js";
import { type CliIo, processIo } from "./commands/output.js";
import { registerProjectsCommand } from "./commands/projects-command.js";
import { registerQueueCommands } from "./commands/queue-command.js";
import { registerRunsCommand } from "./commands/runs-command.js";
import { registerServerCommand } from "./commands/server-command.js";
import { registerSweepCommand } from "./commands/sweep-command.js";
import { exitCodes } from "./exit-codes.js";

export function buildProgram(io: CliIo = processIo()): Command {
  const program = new Command("looplab")
    .description("Looplab: track, compare and queue machine-learning experiments on your own machines")
    .version("0.1.0")
    .option("--url <url>", `server URL (default $LOOPLAB_URL or ${DEFAULT_SERVER_URL})`)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride();
  const ctx = createCliContext(io);
  registerServerCommand(program);
  registerAgentCommand(program, io);
  registerOpenApiCommand(program);
  registerProjectsCommand(program, ctx);
  registerRunsCommand(program, ctx);
  registerQueueCommands(program, ctx);
  registerExportCommand(program, ctx);
  registerImportCommand(program, ctx);
  registerArtifactsCommand(program, ctx);
  registerCheckpointsCommand(program, ctx);
  registerLogsCommand(program, ctx);
  registerModelsCommand(program, ctx);
  registerDevSeedCommand(program, ctx);
  registerSweepCommand(program, ctx);
  return program;
}

/** Runs the CLI and returns its exit code (docs/cli.md); `io` is injectable for in-process tests. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const url = serverUrl(program, io);
    io.stderr.write(`looplab: ${describeError(error, url)}\n`);
    return exitCodeOf(error);
  }
}
