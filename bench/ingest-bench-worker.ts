/**
 * Runs one streaming ingest in its own process, so its peak RSS is its own and not the JSON.parse
 * baseline's. Prints one JSON line: { seconds, peakRssMb, findings }.
 */
import { readReport } from "../src/ingest/index.js";
import type { FormatName } from "../src/ingest/index.js";

async function main(): Promise<void> {
  const [path, format] = process.argv.slice(2);
  if (!path || !format)
    throw new Error("usage: ingest-bench-worker PATH FORMAT");
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);

  const started = process.hrtime.bigint();
  // Streams, as the daemon does, keeping only the fingerprints: memory stays flat with size.
  const fingerprints = new Set<string>();
  for await (const record of readReport(path, {
    format: format as FormatName,
  })) {
    fingerprints.add(record.finding.fingerprint);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(
    JSON.stringify({
      seconds,
      peakRssMb: peak / 1024 / 1024,
      findings: fingerprints.size,
    }) + "\n",
  );
}

await main();
