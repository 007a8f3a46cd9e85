import { resolve } from "node:path";
import type { Command } from "commander";
import { collectFindings } from "../ingest/index.js";
import { findingToDryRunJson } from "../ingest/index.js";
import type { FormatName, ReadOptions } from "../ingest/index.js";
import { withCloseloop } from "./container.js";
import { InputError } from "../domain/errors.js";
import type { CliIo, CliOutcome } from "./io.js";
import { configPathFrom, writeJsonLine, writeLine } from "./io.js";

const FORMATS = [
  "gitleaks-json",
  "gitleaks-csv",
  "sarif",
  "trufflehog",
  "github-secret-scanning",
  "ggshield",
  "gitguardian-api",
  "detect-secrets",
  "ocsf",
  "asff",
  "access-analyzer",
  "certificate",
] as const satisfies readonly FormatName[];

// Fails to compile when ingest learns a format this list does not name.
const everyFormatListed: Exclude<
  FormatName,
  (typeof FORMATS)[number]
> extends never
  ? true
  : false = true;
void everyFormatListed;

function parseFormat(value: string): FormatName {
  const known = FORMATS.find((format) => format === value);
  if (known !== undefined) return known;
  throw new InputError(
    "UNSUPPORTED_FORMAT",
    `--format ${value}: unknown format; known: ${FORMATS.join(", ")}`,
    { details: { format: value } },
  );
}

interface IngestOptions {
  format?: string;
  dryRun: boolean;
  json: boolean;
  sourceRoot?: string;
  config?: string;
}

export function registerIngestCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("ingest")
    .description("read a scanner report and store its findings")
    .argument("<file>", "the report (gitleaks, TruffleHog, SARIF, ggshield, …)")
    .option("--format <name>", "the report format, when detection cannot tell")
    .option("--dry-run", "print the normalised findings; store nothing", false)
    .option("--json", "one JSON object a line", false)
    .option(
      "--source-root <dir>",
      "the directory the report paths are relative to (lets masked SARIF be read back)",
    )
    .option("--config <file>", "configuration file")
    .action(async (file: string, options: IngestOptions) => {
      const readOptions: ReadOptions = {};
      if (options.format !== undefined) {
        readOptions.format = parseFormat(options.format);
      }
      if (options.sourceRoot !== undefined) {
        readOptions.sourceRoot = resolve(io.cwd, options.sourceRoot);
      }

      const result = await collectFindings(resolve(io.cwd, file), readOptions);

      if (options.dryRun) {
        printDryRun(
          io,
          result.records.map((r) => r.finding),
          options.json,
        );
        return;
      }

      const configPath = configPathFrom(options.config, io.env);
      const summary = await withCloseloop(configPath, io, (closeloop) =>
        closeloop.engine.ingest(result.records),
      );
      if (options.json) {
        writeJsonLine(io, { file, format: result.format, ...summary });
        return;
      }
      writeLine(
        (t) => io.out(t),
        `${file} (${result.format}): ${result.records.length} finding(s); ` +
          `${summary.added} new, ${summary.updated} updated, ` +
          `${summary.regressions} regression(s)`,
      );
    });
}

function printDryRun(
  io: CliIo,
  findings: Parameters<typeof findingToDryRunJson>[0][],
  json: boolean,
): void {
  for (const finding of findings) {
    if (json) {
      writeJsonLine(io, findingToDryRunJson(finding));
      continue;
    }
    const where = finding.locations[0];
    const at =
      where?.file === undefined
        ? ""
        : ` at ${where.file}:${where.lineReported ?? "?"}`;
    writeLine(
      (t) => io.out(t),
      `${finding.fingerprint.slice(0, 12)}  ${finding.severity.padEnd(8)} ` +
        `${finding.detector}  ${finding.preview}${at}`,
    );
  }
}
