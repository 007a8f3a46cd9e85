/**
 * Runs one streaming ingest in its own process, so its peak RSS is its own and not the JSON.parse
 * baseline's. Prints one JSON line: { seconds, peakRssMb, findings }.
 */
import { collectFindings } from "../src/ingest/index.js";
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
  const result = await collectFindings(path, { format: format as FormatName });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(
    JSON.stringify({
      seconds,
      peakRssMb: peak / 1024 / 1024,
      findings: result.records.length,
    }) + "\n",
  );
}

await main();
