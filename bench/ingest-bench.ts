import { execFile } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  writeGitleaksReport,
  writeTrufflehogReport,
} from "./ingest-bench-data.js";

const run = promisify(execFile);

/** V8 strings stop at ~512 MB, so a whole-file JSON.parse of more is not a baseline. */
const JSON_PARSE_LIMIT_MB = 500;

export interface IngestBenchRow {
  format: string;
  mb: number;
  seconds: number;
  mbPerSec: number;
  jsonParseMbPerSec: number | null;
  peakRssMb: number;
  findings: number;
}

/**
 * Ingest throughput and memory (PRODUCT.md §11: ≥100 MB/s of gitleaks JSON, ≥ half of JSON.parse,
 * <256 MB peak). Each ingest runs in a child process; the JSON.parse baseline runs here.
 */
export async function benchIngest(opts: {
  sizeMb: number;
  dir: string;
}): Promise<IngestBenchRow[]> {
  const gitleaks = join(opts.dir, `gitleaks-${opts.sizeMb}mb.json`);
  const trufflehog = join(opts.dir, `trufflehog-${opts.sizeMb}mb.jsonl`);
  await writeGitleaksReport(gitleaks, opts.sizeMb);
  await writeTrufflehogReport(trufflehog, opts.sizeMb);

  return [
    await measure(gitleaks, "gitleaks-json", jsonParseRate(gitleaks)),
    await measure(trufflehog, "trufflehog", null),
  ];
}

async function measure(
  path: string,
  format: string,
  jsonParseMbPerSec: number | null,
): Promise<IngestBenchRow> {
  const mb = statSync(path).size / 1024 / 1024;
  const worker = fileURLToPath(
    new URL("./ingest-bench-worker.js", import.meta.url),
  );
  const { stdout } = await run(process.execPath, [worker, path, format], {
    maxBuffer: 1024 * 1024,
  });
  const out = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
    seconds: number;
    peakRssMb: number;
    findings: number;
  };
  return {
    format,
    mb: round(mb),
    seconds: round(out.seconds),
    mbPerSec: round(mb / out.seconds),
    jsonParseMbPerSec,
    peakRssMb: round(out.peakRssMb),
    findings: out.findings,
  };
}

function jsonParseRate(path: string): number | null {
  const mb = statSync(path).size / 1024 / 1024;
  if (mb > JSON_PARSE_LIMIT_MB) return null;
  const started = process.hrtime.bigint();
  const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown[];
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!Array.isArray(parsed)) return null;
  return round(mb / seconds);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
