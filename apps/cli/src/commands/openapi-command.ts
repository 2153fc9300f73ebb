import { writeFileSync } from "node:fs";
import type { Command } from "commander";

export function registerOpenApiCommand(program: Command): void {
  program
    .command("openapi")
    .description("print the OpenAPI document of the Looplab API (or write it with --out)")
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (opts: { out?: string }) => {
      const { generateOpenApiDocument } = await import("@looplab/server");
      const document = await generateOpenApiDocument();
      if (opts.out) writeFileSync(opts.out, document);
      else process.stdout.write(document);
    });
}
