import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Sightings } from "../domain/sightings.js";
import { dryRunJsonLine } from "../ingest/dry-run.js";
import type { FormatName, ReadOptions } from "../ingest/index.js";
import { tlsEndpointOf } from "../ingest/certificates/scan-tls-endpoint.js";
import { mergedSightings, readReportFile } from "./ingest-file.js";
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

/** A file, or `host:port` when no file of that name exists (see tlsEndpointOf). */
function reportTarget(cwd: string, file: string): string {
  const path = resolve(cwd, file);
  return tlsEndpointOf(file) !== null && !existsSync(path) ? file : path;
}

function parseDays(value: string): number {
  const days = Number(value);
  if (Number.isInteger(days) && days >= 0 && days <= 36_500) return days;
  throw new InputError(
    "BAD_OPTION",
    `--horizon-days ${value}: give a whole number of days from 0 to 36500`,
    { details: { horizonDays: value } },
  );
}

interface IngestOptions {
  format?: string;
  horizonDays?: string;
  dryRun: boolean;
  json: boolean;
  sourceRoot?: string;
  source?: string;
  config?: string;
}

export function registerIngestCommand(
  program: Command,
  io: CliIo,
  _outcome: CliOutcome,
): void {
  program
    .command("ingest")
    .description(
      "read a scanner report, or pull a configured source once, and store its findings",
    )
    .argument(
      "[file]",
      "the report (gitleaks, TruffleHog, SARIF, ggshield, …), a directory of PEM certificates, " +
        "or host:port of a TLS endpoint; omit with --source",
    )
    .option("--source <id>", "pull this configured source (sources[].id) once")
    .option("--format <name>", "the report format, when detection cannot tell")
    .option("--dry-run", "print the normalised findings; store nothing", false)
    .option("--json", "one JSON object a line", false)
    .option(
      "--source-root <dir>",
      "the directory the report paths are relative to (lets masked SARIF be read back)",
    )
    .option(
      "--horizon-days <n>",
      "certificates expiring within this many days are findings (default 30)",
    )
    .option("--config <file>", "configuration file")
    .action(async (file: string | undefined, options: IngestOptions) => {
      if (options.source !== undefined) {
        if (file !== undefined || options.dryRun) {
          throw new InputError(
            "BAD_OPTION",
            "--source pulls a configured source: give it without a FILE and without --dry-run",
          );
        }
        await ingestSource(io, options.source, options);
        return;
      }
      if (file === undefined) {
        throw new InputError(
          "BAD_OPTION",
          "give a report FILE, or --source ID to pull a configured source",
        );
      }
      const readOptions: ReadOptions = {};
      if (options.format !== undefined) {
        readOptions.format = parseFormat(options.format);
      }
      if (options.sourceRoot !== undefined) {
        readOptions.sourceRoot = resolve(io.cwd, options.sourceRoot);
      }
      if (options.horizonDays !== undefined) {
        readOptions.certificateHorizonDays = parseDays(options.horizonDays);
      }

      let masked = 0;
      readOptions.onMasked = () => {
        masked += 1;
      };
      const path = reportTarget(io.cwd, file);

      if (options.dryRun) {
        await readReportFile(io, path, readOptions, async (report) => {
          for await (const sightings of mergedSightings(report.batches)) {
            printDryRun(io, sightings, options.json);
          }
        });
        warnMasked(io, file, masked, options.sourceRoot);
        return;
      }

      // The configuration is read before the report: a bad one fails fast, not after 1 GB.
      const configPath = configPathFrom(options.config, io.env);
      // Loaded here: a dry run needs neither the store nor any adapter.
      const { withCloseloop } = await import("./container.js");
      const { format, value } = await withCloseloop(
        configPath,
        io,
        (closeloop) =>
          readReportFile(io, path, readOptions, async (report) => {
            const summary = await closeloop.engine.ingestBatches(
              report.batches,
            );
            if (masked > 0) {
              closeloop.logger.warn("ingest.masked_by_location", {
                file,
                count: masked,
              });
            }
            return summary;
          }),
        { storeOnly: true },
      );
      warnMasked(io, file, masked, options.sourceRoot);
      const { findings, ...summary } = value;
      if (options.json) {
        writeJsonLine(io, { file, format, ...summary });
        return;
      }
      writeLine(
        (t) => io.out(t),
        `${file} (${format}): ${findings} finding(s); ` +
          `${summary.added} new, ${summary.updated} updated, ` +
          `${summary.regressions} regression(s)`,
      );
    });
}

/**
 * Masked results (secretlint's SARIF) are keyed by location, not by secret: the same leak read
 * with and without --source-root would be two findings, so the user is told once, on stderr.
 */
function warnMasked(
  io: CliIo,
  file: string,
  count: number,
  sourceRoot: string | undefined,
): void {
  if (count === 0) return;
  const fix =
    sourceRoot === undefined
      ? "give --source-root DIR (the scanned tree) so closeloop can read the values back " +
        "and key them by secret"
      : `their values could not be read back under ${sourceRoot}`;
  writeLine(
    (t) => io.err(t),
    `closeloop: ${count} finding(s) in ${file} are masked and were keyed by location: ${fix}`,
  );
}

async function ingestSource(
  io: CliIo,
  id: string,
  options: IngestOptions,
): Promise<void> {
  const configPath = configPathFrom(options.config, io.env);
  const { withCloseloop } = await import("./container.js");
  const { findSource, pullSource } = await import("./daemon/pull-source.js");
  const pull = await withCloseloop(configPath, io, (closeloop) =>
    pullSource(closeloop, findSource(closeloop.config.sources, id), io.env),
  );
  if (options.json) {
    writeJsonLine(io, {
      source: pull.source,
      records: pull.records,
      ...pull.summary,
    });
    return;
  }
  const { added, updated, regressions } = pull.summary;
  writeLine(
    (t) => io.out(t),
    `${id}: ${pull.records} finding(s); ${added} new, ${updated} updated, ` +
      `${regressions} regression(s)`,
  );
}

function printDryRun(io: CliIo, sightings: Sightings, json: boolean): void {
  if (json) {
    writeLine((t) => io.out(t), dryRunJsonLine(sightings));
    return;
  }
  const finding = sightings.shell;
  const where = sightings.firstLocation;
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
