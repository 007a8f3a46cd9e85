import { Sightings } from "../domain/sightings.js";
import type {
  SightedBatch,
  SightedRecord,
  StagedLocations,
} from "../domain/sightings.js";
import { openReport } from "./read-report.js";
import type { IngestRecord, IngestResult, ReadOptions } from "./types.js";

/**
 * What is held in memory while a report is merged, whatever its size. Past this many locations
 * (about 300 bytes each) they are handed on and forgotten; past this many findings (about 1.5 KB
 * each), the findings too. The consumer merges what it is handed by fingerprint, on disk (see
 * store/sqlite/staging.ts). A report whose findings fit is merged whole in memory.
 *
 * Locations are handed on while they are still in V8's young generation (a few chunks' worth):
 * held longer, they are promoted, and at 100,000 the old generation grew past 400 MB of them
 * between two full collections on a 1 GB report.
 */
export interface MergeBounds {
  locations: number;
  findings: number;
}

export const DEFAULT_MERGE_BOUNDS: MergeBounds = {
  locations: 2_000,
  findings: 25_000,
};

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
  const unbounded = { locations: Infinity, findings: Infinity };
  for await (const batch of mergeInBatches(report.batches, unbounded)) {
    if (batch.kind !== "findings") continue;
    for (const m of batch.records) {
      records.push({ finding: m.sightings.toFinding(), secret: m.secret });
    }
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
  batches: AsyncIterable<FindingBatch>;
}

export type FindingBatch = SightedBatch;

/** A report's findings in bounded memory, whatever the file size. */
export async function streamFindings(
  path: string,
  options: ReadOptions = {},
  bounds: MergeBounds = DEFAULT_MERGE_BOUNDS,
): Promise<StreamedFindings> {
  const report = await openReport(path, options);
  return {
    format: report.format,
    bytes: report.bytes,
    items: report.items,
    batches: mergeInBatches(report.batches, bounds),
  };
}

async function* mergeInBatches(
  batches: AsyncIterable<IngestRecord[]>,
  bounds: MergeBounds,
): AsyncGenerator<FindingBatch> {
  let byFingerprint = new Map<string, SightedRecord>();
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
    if (byFingerprint.size >= bounds.findings) {
      yield {
        kind: "findings",
        records: [...byFingerprint.values()],
        last: false,
      };
      byFingerprint = new Map();
      held = 0;
    } else if (held >= bounds.locations) {
      const drained: StagedLocations[] = [];
      for (const m of byFingerprint.values()) {
        if (m.sightings.size > 0) drained.push(m.sightings.drainLocations());
      }
      yield { kind: "locations", locations: drained };
      held = 0;
    }
  }
  yield { kind: "findings", records: [...byFingerprint.values()], last: true };
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
  return { finding: sightings.toFinding(), secret: a.secret ?? b.secret };
}
