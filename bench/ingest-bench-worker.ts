/**
 * Runs one measurement in its own process, so its peak RSS is its own: `ingest PATH FORMAT` streams
 * a report as the daemon does, `json-parse PATH` is the whole-file baseline. Prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { readReportBatches } from "../src/ingest/index.js";
import type { FormatName } from "../src/ingest/index.js";

export interface WorkerResult {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  records: number;
  findings: number;
}

async function ingest(path: string, format: FormatName): Promise<WorkerResult> {
  // Keeps only the fingerprints: what the report holds, not what a consumer would store.
  const fingerprints = new Set<string>();
  let records = 0;
  const timed = await time(async () => {
    for await (const batch of readReportBatches(path, { format })) {
      for (const record of batch) fingerprints.add(record.finding.fingerprint);
      records += batch.length;
    }
  });
  return { ...timed, records, findings: fingerprints.size };
}

async function jsonParse(path: string): Promise<WorkerResult> {
  const text = readFileSync(path, "utf8");
  let length = 0;
  const timed = await time(() => {
    const parsed = JSON.parse(text) as unknown;
    length = Array.isArray(parsed) ? parsed.length : 0;
    return Promise.resolve();
  });
  return { ...timed, records: length, findings: 0 };
}

async function time(
  fn: () => Promise<void>,
): Promise<Omit<WorkerResult, "records" | "findings">> {
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

async function main(): Promise<void> {
  const [mode, path, format] = process.argv.slice(2);
  if (!path || (mode !== "ingest" && mode !== "json-parse"))
    throw new Error(
      "usage: ingest-bench-worker ingest|json-parse PATH [FORMAT]",
    );
  const result =
    mode === "ingest"
      ? await ingest(path, (format ?? "gitleaks-json") as FormatName)
      : await jsonParse(path);
  process.stdout.write(JSON.stringify(result) + "\n");
}

await main();
