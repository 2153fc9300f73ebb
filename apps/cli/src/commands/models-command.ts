import type { ModelVersion, RegisteredModel } from "@looplab/core";
import { formatBytes } from "@looplab/sdk";
import type { Command } from "commander";
import type { CliContext } from "./api-client.js";
import { formatNumber, formatTime, oneLine, renderTable, writeJson, writeMessage, writeOut } from "./output.js";

/** `looplab models ls|show|register|alias` over the model registry (docs/registry.md). */

interface JsonOption {
  json?: boolean;
}

async function listModels(ctx: CliContext, command: Command, opts: JsonOption & { deleted?: boolean; q?: string }) {
  const client = ctx.client(command);
  const models: RegisteredModel[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listModels", {
      query: {
        limit: 1000,
        includeDeleted: opts.deleted ?? false,
        ...(opts.q ? { q: opts.q } : {}),
        ...(pageToken ? { pageToken } : {}),
      },
    });
    models.push(...page.models);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  if (opts.json) {
    await writeJson(ctx.io, models);
    return;
  }
  if (models.length === 0) {
    writeMessage(ctx.io, "no registered models yet: `looplab models register NAME --run RUN --path PATH`");
    return;
  }
  const rows = models.map((m) => [
    m.name,
    m.latestVersion ? `v${m.latestVersion.version}` : "-",
    String(m.versionCount),
    Object.entries(m.aliases)
      .map(([alias, v]) => `${alias}→v${v}`)
      .join(", "),
    formatTime(m.updatedAt),
    oneLine(m.description, 40),
  ]);
  await writeOut(ctx.io, renderTable(["name", "latest", "versions", "aliases", "updated", "description"], rows));
}

function versionRows(versions: ModelVersion[]): string[][] {
  return versions.map((v) => {
    const metrics = Object.entries(v.metrics)
      .slice(0, 3)
      .map(([k, value]) => `${k}=${formatNumber(value)}`)
      .join(" ");
    return [
      `v${v.version}`,
      v.stage,
      v.aliases.join(","),
      v.runId,
      v.path,
      formatBytes(v.size),
      oneLine(metrics, 50),
      formatTime(v.createdAt),
    ];
  });
}

async function showModel(ctx: CliContext, command: Command, name: string, opts: JsonOption) {
  const client = ctx.client(command);
  const model = await client.call("getModel", { params: { name }, query: { includeDeleted: true } });
  const versions: ModelVersion[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.call("listModelVersions", {
      params: { name },
      query: { limit: 1000, ...(pageToken ? { pageToken } : {}) },
    });
    versions.push(...page.versions);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  if (opts.json) {
    await writeJson(ctx.io, { ...model, versions });
    return;
  }
  const lines = [`${model.name}${model.deletedAt ? " (deleted)" : ""}`];
  if (model.description) lines.push(model.description);
  const tags = Object.entries(model.tags).map(([k, v]) => (v ? `${k}=${v}` : k));
  if (tags.length > 0) lines.push(`tags: ${tags.join(", ")}`);
  lines.push(`${versions.length} versions, updated ${formatTime(model.updatedAt)}`, "");
  await writeOut(ctx.io, `${lines.join("\n")}\n`);
  if (versions.length > 0) {
    const head = ["version", "stage", "aliases", "run", "path", "size", "metrics", "created"];
    await writeOut(ctx.io, renderTable(head, versionRows(versions), ["left", "left", "left", "left", "left", "right"]));
  }
}

async function registerVersion(
  ctx: CliContext,
  command: Command,
  name: string,
  opts: JsonOption & { run: string; path: string; description?: string; create?: boolean },
) {
  const client = ctx.client(command);
  if (opts.create !== false) {
    const existing = await client.call("listModels", { query: { q: name, limit: 1000, includeDeleted: true } });
    if (!existing.models.some((m) => m.name === name)) {
      await client.call("createModel", { body: { name } });
      ctx.io.stderr.write(`registered model ${name}\n`);
    }
  }
  const version = await client.call("createModelVersion", {
    params: { name },
    body: { runId: opts.run, path: opts.path, ...(opts.description ? { description: opts.description } : {}) },
  });
  if (opts.json) {
    await writeJson(ctx.io, version);
    return;
  }
  await writeOut(ctx.io, `${name} v${version.version}\n`);
  ctx.io.stderr.write(
    `run ${version.runId}, ${version.path} (${version.fileCount} files, ${formatBytes(version.size)})\n`,
  );
}

async function setAlias(
  ctx: CliContext,
  command: Command,
  name: string,
  alias: string,
  version: string,
  opts: JsonOption,
) {
  const n = Number(version.replace(/^v/i, ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`VERSION must be a number such as 3 or v3, got '${version}'`);
  const client = ctx.client(command);
  const result = await client.call("setModelAlias", { params: { name, alias }, body: { version: n } });
  if (opts.json) await writeJson(ctx.io, result);
  else await writeOut(ctx.io, `${name}@${alias} → v${result.version}\n`);
}

export function registerModelsCommand(program: Command, ctx: CliContext): void {
  const models = program.command("models").description("the model registry: models, versions and aliases");
  models
    .command("ls")
    .description("list registered models with their latest version and aliases")
    .option("-q, --q <text>", "only names containing this text")
    .option("--deleted", "include soft-deleted models")
    .option("--json", "print JSON")
    .action((opts, command: Command) => listModels(ctx, command, opts));
  models
    .command("show")
    .argument("<name>", "registered model name")
    .description("a model and its versions (stage, aliases, run, metrics at registration)")
    .option("--json", "print JSON")
    .action((name: string, opts, command: Command) => showModel(ctx, command, name, opts));
  models
    .command("register")
    .argument("<name>", "registered model name (created when missing)")
    .requiredOption("--run <runId>", "the run that produced the model")
    .requiredOption("--path <artifactPath>", "the artifact path in the run: a file or a folder")
    .option("--description <text>", "version description")
    .option("--no-create", "fail instead of creating a missing model")
    .option("--json", "print JSON")
    .description("register a run's artifact as the model's next version")
    .action((name: string, opts, command: Command) => registerVersion(ctx, command, name, opts));
  models
    .command("alias")
    .argument("<name>", "registered model name")
    .argument("<alias>", "alias, e.g. champion")
    .argument("<version>", "version number (3 or v3)")
    .option("--json", "print JSON")
    .description("point an alias at a version")
    .action((name: string, alias: string, version: string, opts, command: Command) =>
      setAlias(ctx, command, name, alias, version, opts),
    );
}
