import type { Command } from "commander";
import { checkConfig } from "../config/check.js";
import { EXIT_BAD_INPUT } from "./exit-code.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

export function registerConfigCommand(
  program: Command,
  io: CliIo,
  outcome: CliOutcome,
): void {
  const config = program
    .command("config")
    .description("work with the configuration file");

  config
    .command("check")
    .description("validate the configuration and the mappings it uses")
    .option("--config <file>", "configuration file")
    .option("--json", "print the result as JSON", false)
    .action((options: { config?: string; json: boolean }) => {
      const path = configPathFrom(options.config, io.env);
      const result = checkConfig(path, io.env);

      if (options.json) writeJsonLine(io, { path, ...result });
      if (!result.ok) {
        outcome.exitCode = EXIT_BAD_INPUT;
        if (options.json) return;
        writeLine(
          (t) => io.err(t),
          `closeloop: ${path}: invalid configuration`,
        );
        for (const problem of result.problems) {
          writeLine(
            (t) => io.err(t),
            `  - ${problem.path}: ${problem.message}`,
          );
        }
        return;
      }
      if (options.json) return;

      const { summary } = result;
      const say = (text: string): void => writeLine((t) => io.out(t), text);
      say(`${path}: ok`);
      say(`  data directory: ${summary.dataDir}`);
      say(`  mappings:       ${summary.mappingsDir}`);
      say(`  ITSM:           ${list(summary.itsm)}`);
      say(`  targets:        ${list(summary.targets)}`);
      say(`  routing rules:  ${summary.routingRules}`);
      say(`  sources:        ${list(summary.sources)}`);
      say(`  HTTP:           ${summary.http.host}:${summary.http.port}`);
      say(
        `  webhooks:       ${summary.webhooks.join(", ") || "(none: polling only)"}`,
      );
    });
}

function list(items: { id: string; kind: string }[]): string {
  if (items.length === 0) return "(none)";
  return items.map((item) => `${item.id} (${item.kind})`).join(", ");
}
