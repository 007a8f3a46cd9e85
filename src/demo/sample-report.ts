import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloseloopError, InputError } from "../domain/errors.js";
import { SecretValue } from "../domain/secret.js";
import type { FormatName, IngestRecord } from "../ingest/index.js";
import { collectFindings } from "../ingest/index.js";
import type { DemoContext } from "./types.js";

export interface BundledReport {
  /** The sample folder under the package root, e.g. `examples/leaked-aws-key`. */
  projectDir: string;
  /** The report's file name inside it. */
  file: string;
  format: FormatName;
  /** Who wrote it, for the narration: `TruffleHog`, `GitHub secret scanning`. */
  scanner: string;
}

/**
 * A scanner report bundled with a sample, read through closeloop's own ingest exactly as
 * `closeloop ingest FILE --format NAME` reads it. Exactly one finding is expected.
 */
export async function ingestBundledReport(
  ctx: DemoContext,
  bundled: BundledReport,
): Promise<IngestRecord[]> {
  const path = join(bundled.projectDir, bundled.file);
  const ingested = await collectFindings(path, {
    format: bundled.format,
    sourceRoot: bundled.projectDir,
    scanCompleted: true,
  });
  const first = ingested.records[0]?.finding;
  if (first === undefined || ingested.records.length !== 1) {
    throw new InputError(
      "DEMO_SAMPLE_BROKEN",
      `${path}: expected exactly one finding, ingest read ${ingested.records.length}`,
      { details: { path } },
    );
  }

  const where = first.locations[0];
  ctx.report.step(
    "demo.scan.finished",
    `read ${bundled.scanner}'s report ${bundled.file}: ${first.detector} ${first.preview} ` +
      `in ${where?.file ?? where?.resource ?? "?"}:${where?.lineReported ?? "?"}`,
    {
      findings: ingested.records.length,
      format: ingested.format,
      fingerprint: first.fingerprint,
      detector: first.detector,
      preview: first.preview,
      file: where?.file,
      line: where?.lineReported,
    },
  );
  return ingested.records;
}

/**
 * One `NAME=value` line of a sample's settings file: the leaked value the simulator must accept,
 * and the demo's own before/after check uses. It goes straight into a SecretValue.
 */
export function readSampleSetting(file: string, name: string): SecretValue {
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${name}=`));
  const value = line?.slice(name.length + 1).trim() ?? "";
  if (value === "") {
    throw new CloseloopError(
      "DEMO_SAMPLE_BROKEN",
      `${file}: expected a line ${name}=…`,
      { details: { file, name } },
    );
  }
  return new SecretValue(value);
}
