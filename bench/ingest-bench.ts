import { constants } from "node:buffer";
import { execFile } from "node:child_process";
import { rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import {
  writeGitleaksReport,
  writeTrufflehogReport,
} from "./ingest-bench-data.js";
import type { WorkerMode, WorkerResult } from "./ingest-bench-worker.js";

const run = promisify(execFile);

/**
 * V8 strings stop at 2^29 - 24 characters (~512 MB), so a larger file cannot be JSON.parse'd
 * whole: its baseline is the largest whole-file parse V8 can take, a report of this size written
 * by the same generator (the file's own first elements, closed as a valid array), labelled so.
 */
const MB = 1024 * 1024;
const JSON_PARSE_LIMIT_MB = Math.floor(constants.MAX_STRING_LENGTH / MB) - 2;

/** PRODUCT.md §11 and issue 4. */
const TARGET_MB_PER_SEC = 100;
const TARGET_OF_JSON_PARSE = 0.5;
const TARGET_PEAK_RSS_MB = 256;

export interface IngestBenchOptions {
  dir: string;
  /** Size of each generated report; default 1024 (1 GB, issue 4). */
  sizeMb?: number;
}

/**
 * What each row runs: the CLI's two paths, which the targets are for, and the parser alone, shown
 * beside them for comparison: its row has no verdict, so a `met` never stands for the product.
 */
const PATHS: {
  mode: Exclude<WorkerMode, "json-parse">;
  label: string;
  targeted: boolean;
}[] = [
  { mode: "store", label: "ingest FILE (stored)", targeted: true },
  { mode: "dry-run", label: "ingest --dry-run --json", targeted: true },
  { mode: "parse", label: "parser only", targeted: false },
];

export interface IngestBenchRow {
  format: string;
  /** `ingest FILE` into a SQLite store, `--dry-run --json` to a sink, or the parser alone. */
  path: string;
  mb: number;
  wallMbPerSec: number;
  cpuMbPerSec: number;
  peakRssMb: number;
  /** Findings stored or printed (distinct fingerprints for the parser alone). */
  findings: number;
  /** JSON.parse of the whole file (or of the labelled sample), in this run. */
  jsonParseMbPerSec: number | null;
  jsonParseCpuMbPerSec: number | null;
  jsonParseBasis: string;
  /** Ingest wall MB/s over JSON.parse wall MB/s: the target is at least 0.5. */
  ofJsonParse: number | null;
  /**
   * For the CLI's paths, `met` or which of the targets (MB/s, share of JSON.parse, peak RSS) this
   * run missed; `n/a` for the parser alone.
   */
  target: string;
}

/**
 * Ingest throughput and memory (PRODUCT.md §11: ≥100 MB/s of gitleaks JSON, ≥ half of JSON.parse,
 * <256 MB peak; the same rate and memory for TruffleHog JSON lines), measured on what the CLI runs
 * (the report read, merged and stored, or printed), with the parser alone beside it. Every figure
 * comes from its own child process, so one measurement's memory never shows in another's.
 */
export async function benchIngest(
  options: IngestBenchOptions,
): Promise<IngestBenchRow[]> {
  const sizeMb = options.sizeMb ?? 1024;
  const gitleaks = join(options.dir, `gitleaks-${sizeMb}mb.json`);
  const trufflehog = join(options.dir, `trufflehog-${sizeMb}mb.jsonl`);
  await writeGitleaksReport(gitleaks, sizeMb);
  await writeTrufflehogReport(trufflehog, sizeMb);

  const baseline = await jsonParseBaseline(gitleaks, sizeMb, options.dir);
  const rows: IngestBenchRow[] = [];
  for (const [path, format, base] of [
    [gitleaks, "gitleaks-json", baseline],
    [trufflehog, "trufflehog", null],
  ] as const) {
    for (const { mode, label, targeted } of PATHS) {
      const row = await measure(path, format, mode, label, base);
      rows.push(targeted ? row : { ...row, target: "n/a (not a CLI path)" });
    }
  }
  return rows;
}

interface Baseline {
  mbPerSec: number;
  cpuMbPerSec: number;
  basis: string;
}

async function jsonParseBaseline(
  path: string,
  sizeMb: number,
  dir: string,
): Promise<Baseline> {
  if (sizeMb <= JSON_PARSE_LIMIT_MB) {
    const out = await worker(["json-parse", path]);
    return {
      mbPerSec: rate(megabytes(path), out.wallSeconds),
      cpuMbPerSec: rate(megabytes(path), out.cpuSeconds),
      basis: "whole file",
    };
  }
  const sample = join(dir, `gitleaks-sample-${JSON_PARSE_LIMIT_MB}mb.json`);
  await writeGitleaksReport(sample, JSON_PARSE_LIMIT_MB);
  const out = await worker(["json-parse", sample]);
  const mb = megabytes(sample);
  rmSync(sample);
  return {
    mbPerSec: rate(mb, out.wallSeconds),
    cpuMbPerSec: rate(mb, out.cpuSeconds),
    basis:
      `whole-file parse of its first ${JSON_PARSE_LIMIT_MB} MB ` +
      `(the largest string V8 takes)`,
  };
}

async function measure(
  path: string,
  format: string,
  mode: WorkerMode,
  label: string,
  baseline: Baseline | null,
): Promise<IngestBenchRow> {
  const mb = megabytes(path);
  const out = await worker([mode, path, format]);
  const wallMbPerSec = rate(mb, out.wallSeconds);
  const ofJsonParse = baseline ? round(wallMbPerSec / baseline.mbPerSec) : null;
  const missed = [
    ...(wallMbPerSec < TARGET_MB_PER_SEC ? [`<${TARGET_MB_PER_SEC} MB/s`] : []),
    ...(ofJsonParse !== null && ofJsonParse < TARGET_OF_JSON_PARSE
      ? [`<${TARGET_OF_JSON_PARSE} of JSON.parse`]
      : []),
    ...(out.peakRssMb >= TARGET_PEAK_RSS_MB
      ? [`≥${TARGET_PEAK_RSS_MB} MB RSS`]
      : []),
  ];
  return {
    format,
    path: label,
    mb: round(mb),
    wallMbPerSec,
    cpuMbPerSec: rate(mb, out.cpuSeconds),
    peakRssMb: round(out.peakRssMb),
    findings: out.findings,
    jsonParseMbPerSec: baseline?.mbPerSec ?? null,
    jsonParseCpuMbPerSec: baseline?.cpuMbPerSec ?? null,
    jsonParseBasis: baseline?.basis ?? "n/a (JSON lines)",
    ofJsonParse,
    target: missed.length === 0 ? "met" : `MISSED: ${missed.join(", ")}`,
  };
}

async function worker(args: string[]): Promise<WorkerResult> {
  const script = fileURLToPath(
    new URL("./ingest-bench-worker.js", import.meta.url),
  );
  const { stdout } = await run(process.execPath, [script, ...args], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as WorkerResult;
}

function megabytes(path: string): number {
  return statSync(path).size / MB;
}

function rate(mb: number, seconds: number): number {
  return round(mb / seconds);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
