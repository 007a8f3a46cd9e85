import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchIngest } from "./ingest-bench.js";
import { benchJiraCalls } from "./jira-calls.js";
import { benchServiceNowCalls } from "./servicenow-calls.js";

/**
 * `npm run bench`: the figures of PRODUCT.md §11 that a benchmark measures. It prints them and
 * asserts nothing: timings depend on the machine.
 */
const INGEST_MB = Number(process.env.BENCH_INGEST_MB ?? 1024);
const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 20);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "closeloop-bench-"));
  try {
    console.log(
      `ingest: ${INGEST_MB} MB reports (target ≥100 MB/s, ≥½ JSON.parse, <256 MB RSS)`,
    );
    console.table(await benchIngest({ sizeMb: INGEST_MB, dir }));

    console.log(
      `ServiceNow requests per finding, ${FINDINGS} findings (target ≤10): ` +
        "the attachment scan takes 50 ms, closeloop reads back 100 ms after the upload",
    );
    console.table(await benchServiceNowCalls(FINDINGS, { scanMs: 50 }));
    console.log(
      "ServiceNow, a scan still pending at the first read-back (each such read costs one list)",
    );
    console.table(await benchServiceNowCalls(FINDINGS, { pendingReads: 1 }));
    console.log(
      `Jira (JSM approvals) requests per finding, ${FINDINGS} findings (target ≤10)`,
    );
    console.table(await benchJiraCalls(FINDINGS));
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(".closeloop-bench", { recursive: true, force: true });
  }
}

await main();
