import { Sightings } from "../domain/sightings.js";
import { openReport } from "./read-report.js";
import type { IngestRecord, IngestResult, ReadOptions } from "./types.js";

/**
 * Locations held in memory before the merged findings are handed on: about 40 MB of them. A report
 * whose findings fit is merged whole in memory; a larger one reaches its consumer as several
 * partial batches, which the consumer merges by fingerprint (on disk, see store/sqlite/staging.ts).
 */
export const DEFAULT_HELD_LOCATIONS = 100_000;

/**
 * Reads a whole report and merges its records by fingerprint: one finding per credential. Throws
 * before returning anything when the file is bad, so a half-read report never reaches the store.
 * Holds every finding in memory: for reports of any size use `streamFindings`.
 */
export async function collectFindings(
  path: string,
  options: ReadOptions = {},
): Promise<IngestResult> {
  const report = await openReport(path, options);
  const records: IngestRecord[] = [];
  for await (const batch of mergeInBatches(report.batches, Infinity)) {
    records.push(...batch);
  }
  return {
    status: records.length === 0 ? "ok_empty" : "ok",
    format: report.format,
    records,
    stats: { items: report.items(), bytes: report.bytes },
  };
}

export interface StreamedFindings {
  format: IngestResult["format"];
  bytes: number;
  /** Items read so far (array elements, lines, rows). */
  items: () => number;
  /**
   * Findings merged by fingerprint within each batch; one fingerprint may come again in a later
   * batch with more of its sightings. The iteration throws, at the end at the latest, when the
   * file is bad: a consumer stores nothing before it has ended.
   */
  batches: AsyncIterable<IngestRecord[]>;
}

/** A report's findings in bounded memory, whatever the file size. */
export async function streamFindings(
  path: string,
  options: ReadOptions = {},
  maxHeldLocations = DEFAULT_HELD_LOCATIONS,
): Promise<StreamedFindings> {
  const report = await openReport(path, options);
  return {
    format: report.format,
    bytes: report.bytes,
    items: report.items,
    batches: mergeInBatches(report.batches, maxHeldLocations),
  };
}

/** A record being merged in place, with the raw value from whichever sighting carried one. */
interface Merging {
  sightings: Sightings;
  secret: IngestRecord["secret"];
}

async function* mergeInBatches(
  batches: AsyncIterable<IngestRecord[]>,
  maxHeldLocations: number,
): AsyncGenerator<IngestRecord[]> {
  let byFingerprint = new Map<string, Merging>();
  let held = 0;
  for await (const batch of batches) {
    for (const record of batch) {
      const known = byFingerprint.get(record.finding.fingerprint);
      if (known === undefined) {
        const sightings = new Sightings(record.finding);
        held += sightings.size;
        byFingerprint.set(record.finding.fingerprint, {
          sightings,
          secret: record.secret,
        });
        continue;
      }
      const before = known.sightings.size;
      known.sightings.absorb(record.finding);
      held += known.sightings.size - before;
      if (known.secret === null) known.secret = record.secret;
    }
    if (held < maxHeldLocations) continue;
    yield recordsOf(byFingerprint);
    byFingerprint = new Map();
    held = 0;
  }
  if (byFingerprint.size > 0) yield recordsOf(byFingerprint);
}

function recordsOf(merged: Map<string, Merging>): IngestRecord[] {
  return [...merged.values()].map((m) => ({
    finding: m.sightings.finding,
    secret: m.secret,
  }));
}

/** Two sightings of one credential merged into a new record (see Sightings). */
export function mergeRecords(a: IngestRecord, b: IngestRecord): IngestRecord {
  const fa = a.finding;
  const sightings = new Sightings({
    ...fa,
    sources: [...fa.sources],
    tags: [...fa.tags],
    locations: [...fa.locations],
  });
  sightings.absorb(b.finding);
  return { finding: sightings.finding, secret: a.secret ?? b.secret };
}
