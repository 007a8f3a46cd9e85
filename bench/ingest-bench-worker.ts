/**
 * Runs one measurement in its own process, so its peak RSS is its own. Prints one JSON line.
 *
 * - `store PATH FORMAT`: `closeloop ingest PATH --json`, in process, into a fresh SQLite store:
 *   what the CLI runs, up to the stored findings;
 * - `dry-run PATH FORMAT`: `closeloop ingest PATH --dry-run --json`, up to the printed lines;
 * - `parse PATH FORMAT`: the streaming parser alone (the records, not merged);
 * - `json-parse PATH`: the whole-file `JSON.parse` baseline.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli } from "../src/cli/program.js";
import type { CliIo } from "../src/cli/io.js";
import { readReportBatches } from "../src/ingest/index.js";
import type { FormatName } from "../src/ingest/index.js";

export type WorkerMode = "store" | "dry-run" | "parse" | "json-parse";

export interface WorkerResult {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  /** Findings stored or printed; for `parse`, distinct fingerprints. */
  findings: number;
}

async function store(path: string, format: FormatName): Promise<WorkerResult> {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-bench-store-"));
  try {
    const config = join(dir, "closeloop.yaml");
    // The demo's configuration with its own data directory; its log level (warn) keeps the
    // per-finding `finding.ingested` lines out, as a configured daemon's would.
    const text = readFileSync("config/demo.yaml", "utf8")
      .replace(/^dataDir: .*$/m, `dataDir: ${join(dir, "data")}`)
      .replace(/^mappingsDir: .*$/m, `mappingsDir: ${resolve("mappings")}`);
    writeFileSync(config, text);
    const env = {
      CLOSELOOP_DEMO_CUSTODY_KEY: Buffer.alloc(32, 7).toString("base64"),
      CLOSELOOP_DEMO_SNOW_PASSWORD: "bench-only",
      CLOSELOOP_DEMO_PG_ADMIN_PASSWORD: "bench-only",
    };
    let out = "";
    const timed = await time(() =>
      cli(
        ["ingest", path, "--format", format, "--json", "--config", config],
        env,
        (t) => (out += t),
      ),
    );
    const summary = JSON.parse(out) as { added: number; updated: number };
    return { ...timed, findings: summary.added + summary.updated };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function dryRun(path: string, format: FormatName): Promise<WorkerResult> {
  let lines = 0;
  const timed = await time(() =>
    cli(
      ["ingest", path, "--format", format, "--dry-run", "--json"],
      {},
      (t) => {
        for (let i = t.indexOf("\n"); i !== -1; i = t.indexOf("\n", i + 1))
          lines += 1;
      },
    ),
  );
  return { ...timed, findings: lines };
}

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
  out: (text: string) => void,
): Promise<void> {
  let err = "";
  const io: CliIo = {
    out,
    err: (t) => (err += t),
    env,
    cwd: process.cwd(),
    signal: new AbortController().signal,
  };
  const code = await runCli(args, io);
  if (code !== 0)
    throw new Error(`closeloop ${args[0]} exited ${code}: ${err}`);
}

async function parse(path: string, format: FormatName): Promise<WorkerResult> {
  // Keeps only the fingerprints: what the report holds, not what a consumer would store.
  const fingerprints = new Set<string>();
  const timed = await time(async () => {
    for await (const batch of readReportBatches(path, { format })) {
      for (const record of batch) fingerprints.add(record.finding.fingerprint);
    }
  });
  return { ...timed, findings: fingerprints.size };
}

async function jsonParse(path: string): Promise<WorkerResult> {
  const text = readFileSync(path, "utf8");
  let length = 0;
  const timed = await time(() => {
    const parsed = JSON.parse(text) as unknown;
    length = Array.isArray(parsed) ? parsed.length : 0;
    return Promise.resolve();
  });
  return { ...timed, findings: length };
}

async function time(
  fn: () => Promise<void>,
): Promise<Omit<WorkerResult, "findings">> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();

  await fn();

  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  // maxRSS is the kernel's high-water mark (KiB): it sees peaks between two samples.
  const maxRss = process.resourceUsage().maxRSS * 1024;
  peak = Math.max(peak, process.memoryUsage.rss(), maxRss);
  return {
    wallSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    peakRssMb: peak / 1024 / 1024,
  };
}

const MODES: Record<
  WorkerMode,
  (path: string, format: FormatName) => Promise<WorkerResult>
> = { store, "dry-run": dryRun, parse, "json-parse": jsonParse };

async function main(): Promise<void> {
  const [mode, path, format] = process.argv.slice(2);
  const run = MODES[mode as WorkerMode] as
    (typeof MODES)[WorkerMode] | undefined;
  if (!path || run === undefined)
    throw new Error(
      "usage: ingest-bench-worker store|dry-run|parse|json-parse PATH [FORMAT]",
    );
  const result = await run(path, (format ?? "gitleaks-json") as FormatName);
  process.stdout.write(JSON.stringify(result) + "\n");
  // The CLI's main.ts does the same: a finished run does not wait for a stray handle.
  process.exit(0);
}

await main();
