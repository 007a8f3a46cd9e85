import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { streamFindings } from "../ingest/index.js";
import type { SightedRecord, Sightings } from "../domain/sightings.js";
import type {
  FindingBatch,
  FormatName,
  ReadOptions,
  StreamedFindings,
} from "../ingest/index.js";
import { FindingStaging } from "../store/sqlite/staging.js";
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
  keepRecordsYoung();
  const bar = io.errIsTty === true ? createProgressBar((t) => io.err(t)) : null;
  const onRead = () => {
    bar?.clear();
    collectGarbage();
  };
  const hooks: ReadOptions = { onRead, onFindingsHandedOn: collectGarbage };
  const withProgress: ReadOptions =
    bar === null
      ? { ...options, ...hooks }
      : {
          ...options,
          ...hooks,
          onProgress: (read, total) => bar.update(read, total),
        };
  try {
    const report = await streamFindings(path, withProgress);
    const value = await use({
      ...report,
      batches: readUntilDone(report.batches, onRead, io.signal),
    });
    return { format: report.format, value };
  } finally {
    bar?.clear();
  }
}

/**
 * Turns off V8's allocation-site pretenuring for this process. The first sighting of each
 * credential is kept (it becomes the merged finding), so early in a read nearly every record
 * survives and V8 starts allocating records straight in the old generation; the later ones, which
 * die at once, then filled it with garbage: on a 1 GB report, 3 s more CPU and twice the memory.
 * V8 reads the flag at each collection, so setting it now, before the read, is in time.
 */
function keepRecordsYoung(): void {
  setFlagsFromString("--no-allocation-site-pretenuring");
}

/**
 * A full garbage collection at the points where a large read leaves the most garbage: once a batch
 * of findings is staged (its 25,000 findings are dead from then on), once the file is read
 * (before the last batches are staged), and once they are, before the store writes. V8 would
 * collect that old-generation garbage only later, while the next batch or the commit grew on top
 * of it. Measured: a report of 200,000 distinct secrets peaked at 375 to 420 MB stored without
 * the collection per batch and at 255 with it (its dry run 330 and 195), in the same time; 1 GB of
 * TruffleHog JSON lines at about 255 MB with only the last collection and 230 with the one before
 * the last batches. Each takes some 50 ms. V8 offers it to a process started with --expose-gc;
 * the flag can be set at run time, and a new context then has `gc`.
 */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  const gc: unknown = runInNewContext("gc");
  if (typeof gc === "function") (gc as () => void)();
}

/**
 * `whenRead` runs once the batches are all handed on (the bar goes, log lines and output come
 * after it, and the heap is collected before the commit), or when the read fails. A Ctrl-C during
 * the read ends it before the next batch, so the consumer stores nothing (main.ts said
 * "stopping").
 */
async function* readUntilDone<T>(
  batches: AsyncIterable<T>,
  whenRead: () => void,
  signal: AbortSignal,
): AsyncGenerator<T> {
  try {
    for await (const batch of batches) {
      signal.throwIfAborted();
      yield batch;
    }
    signal.throwIfAborted();
  } finally {
    whenRead();
  }
}

/**
 * Every finding of the batches once, merged, for `--dry-run`, which stores nothing. When they
 * came in one batch (the report fit in memory), in the order first seen; otherwise the partials
 * go to a scratch file of their own, deleted at the end, and come back in fingerprint order.
 * Nothing secret is staged: the dry run has no use for the raw values. Each comes as Sightings,
 * not as a Finding: its line can then be written from the location keys without building them.
 */
export async function* mergedSightings(
  batches: AsyncIterable<FindingBatch>,
): AsyncGenerator<Sightings> {
  let whole: SightedRecord[] | null = null;
  let staging: FindingStaging | null = null;
  try {
    for await (const batch of batches) {
      if (batch.kind === "locations") {
        staging ??= new FindingStaging();
        staging.addLocations(batch.locations);
        continue;
      }
      if (batch.last && staging === null) {
        whole = batch.records;
        break;
      }
      staging ??= new FindingStaging();
      staging.addFindings(
        batch.records.map((r) => ({
          sightings: r.sightings,
          sealedSecret: null,
        })),
      );
    }
    if (staging === null) {
      for (const record of whole ?? []) yield record.sightings;
      return;
    }
    for (const upsert of staging.merged()) yield upsert.sightings;
  } finally {
    staging?.close();
  }
}
