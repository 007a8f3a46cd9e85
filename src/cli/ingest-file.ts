import type { Finding } from "../domain/finding.js";
import { streamFindings } from "../ingest/index.js";
import type {
  FormatName,
  IngestRecord,
  ReadOptions,
  StreamedFindings,
} from "../ingest/index.js";
import { openScratchStaging } from "../store/sqlite/staging.js";
import type { CliIo } from "./io.js";
import { createProgressBar } from "./progress-bar.js";

/**
 * Reads a report for `ingest FILE` in bounded memory, with a progress bar on standard error when
 * that is a terminal (standard output, which may carry JSON lines, is never touched). `use` gets
 * the findings as merged partial batches (see streamFindings); the bar is gone when it returns.
 */
export async function readReportFile<T>(
  io: CliIo,
  path: string,
  options: ReadOptions,
  use: (report: StreamedFindings) => Promise<T>,
): Promise<{ format: FormatName; value: T }> {
  const bar = io.errIsTty === true ? createProgressBar((t) => io.err(t)) : null;
  const withProgress: ReadOptions =
    bar === null
      ? options
      : { ...options, onProgress: (read, total) => bar.update(read, total) };
  try {
    const report = await streamFindings(path, withProgress);
    const clear = () => bar?.clear();
    const value = await use({
      ...report,
      batches: clearedAfter(report.batches, clear),
    });
    return { format: report.format, value };
  } finally {
    bar?.clear();
  }
}

/** The bar goes as soon as the file is read: log lines and output come after it. */
async function* clearedAfter<T>(
  batches: AsyncIterable<T>,
  clear: () => void,
): AsyncGenerator<T> {
  try {
    yield* batches;
  } finally {
    clear();
  }
}

/**
 * Every finding of the batches once, merged, for `--dry-run`, which stores nothing. When they
 * came in one batch (the report fit in memory), in the order first seen; otherwise the partials
 * go to a scratch SQLite file of their own, deleted at the end, and come back in fingerprint
 * order.
 */
export async function* mergedFindings(
  batches: AsyncIterable<IngestRecord[]>,
): AsyncGenerator<Finding> {
  let first: IngestRecord[] | null = null;
  let scratch: ReturnType<typeof openScratchStaging> | null = null;
  const stage = (records: IngestRecord[]) =>
    scratch?.staging.add(
      records.map((r) => ({ finding: r.finding, sealedSecret: null })),
    );
  try {
    for await (const batch of batches) {
      if (first === null && scratch === null) {
        first = batch;
        continue;
      }
      scratch ??= openScratchStaging();
      if (first !== null) stage(first);
      first = null;
      stage(batch);
    }
    if (scratch === null) {
      for (const record of first ?? []) yield record.finding;
      return;
    }
    for (const upsert of scratch.staging.merged()) yield upsert.finding;
  } finally {
    scratch?.close();
  }
}
