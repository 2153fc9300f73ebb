import type { Project } from "@looplab/core";
import type { Command } from "commander";
import type { CliContext } from "./api-client.js";
import { formatTime, oneLine, renderTable, writeJson, writeMessage, writeOut } from "./output.js";

/** `looplab projects ls`. */

async function listProjects(ctx: CliContext, command: Command, opts: { deleted?: boolean; json?: boolean }) {
  const client = ctx.client(command);
  const projects: Project[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listProjects", {
      query: { limit: 1000, includeDeleted: opts.deleted ?? false, ...(pageToken ? { pageToken } : {}) },
    });
    projects.push(...page.projects);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);

  if (opts.json) {
    await writeJson(ctx.io, projects);
    return;
  }
  if (projects.length === 0) {
    writeMessage(ctx.io, "no projects yet: a run's first `init` creates its project");
    return;
  }
  const head = ["name", "runs", "goals", "created", "description"];
  if (opts.deleted) head.push("deleted");
  const rows = projects.map((p) => {
    const goals = p.metricDefinitions.map((d) => `${d.key}:${d.goal}`).join(", ");
    const row = [p.name, String(p.runCount), oneLine(goals, 40), formatTime(p.createdAt), oneLine(p.description, 50)];
    if (opts.deleted) row.push(formatTime(p.deletedAt));
    return row;
  });
  await writeOut(ctx.io, renderTable(head, rows, ["left", "right"]));
}

export function registerProjectsCommand(program: Command, ctx: CliContext): void {
  const projects = program.command("projects").description("list projects");
  projects
    .command("ls")
    .description("list projects with their run counts and metric goals")
    .option("--deleted", "include soft-deleted projects")
    .option("--json", "print JSON")
    .action((opts: { deleted?: boolean; json?: boolean }, command: Command) => listProjects(ctx, command, opts));
}
