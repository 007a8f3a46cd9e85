import { locationKey, Sightings } from "../domain/sightings.js";
import type {
  SightedBatch,
  SightedRecord,
  StagedLocations,
} from "../domain/sightings.js";
import { LocationArena } from "./location-arena.js";
import { openReport } from "./read-report.js";
import type {
  IngestRecord,
  IngestResult,
  MergeSlot,
  ReadOptions,
} from "./types.js";

/**
 * What is held in memory while a report is merged, whatever its size. Past this many locations
 * (about 300 bytes each as strings) they are handed on and forgotten; past this many findings
 * (about 1.5 KB each), the findings too. The consumer merges what it is handed by fingerprint, on
 * disk (see store/sqlite/staging.ts). A report whose findings fit is merged whole in memory.
 *
 * Past the first hand-on, repeat sightings' locations are held as bytes in a LocationArena, not
 * as strings: a hundred thousand strings held for a while are promoted to V8's old generation
 * (at 100,000 it grew past 400 MB of them on a 1 GB report), bytes in a buffer are not. A full
 * arena is handed on as one row per finding, not one per location.
 */
export interface MergeBounds {
  locations: number;
  findings: number;
  /**
   * Once anything has been handed on, repeat sightings' locations are held as bytes in an arena
   * of about this size (see LocationArena) and handed on one row per finding when it is full.
   */
  arenaBytes?: number;
}

/** 16 MB: about 150,000 locations, a tenth of a 1 GB report's. */
const ARENA_BYTES = 16 * 1024 * 1024;

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
    batches: mergeInBatches(report.batches, bounds, options),
  };
}

async function* mergeInBatches(
  batches: AsyncIterable<IngestRecord[]>,
  bounds: MergeBounds,
  hooks: Pick<ReadOptions, "onRead" | "onFindingsHandedOn"> = {},
): AsyncGenerator<FindingBatch> {
  let byFingerprint = new Map<string, Held>();
  let holders: Held[] = [];
  let generation = nextGeneration();
  let held = 0;
  // Set once something has been handed on: from then on, repeat sightings' locations go to the
  // arena, not to their finding, and the consumer merges on disk in any case.
  let spilled = false;
  const arenaBytes = bounds.arenaBytes ?? ARENA_BYTES;
  const arena = spillable(bounds) ? new LocationArena(arenaBytes) : null;
  const drainArena = (): FindingBatch => ({
    kind: "locations",
    locations: arena?.drain(holders.map((h) => h.record.sightings)) ?? [],
  });
  /** The finding held for `record`'s fingerprint: by its slot, when that is of this generation. */
  const heldFor = (record: IngestRecord): Held | undefined => {
    const { slot } = record;
    const { fingerprint } = record.finding;
    if (slot?.generation === generation) {
      const h = holders[slot.index];
      if (h?.record.sightings.fingerprint === fingerprint) return h;
    }
    const h = byFingerprint.get(fingerprint);
    if (h !== undefined && slot !== undefined) noteIn(slot, h);
    return h;
  };
  const noteIn = (slot: MergeSlot, h: Held) => {
    slot.generation = generation;
    slot.index = h.index;
  };
  for await (const batch of batches) {
    for (const record of batch) {
      const known = heldFor(record);
      if (known === undefined) {
        // Once something is handed on, a record of several places (an incident's occurrences)
        // goes to the arena like a repeat: held as keys, it would drop the repeats among them,
        // which count when the merge finds them past the cap (see Finding.locationsOmitted).
        const { locations } = record.finding;
        const apart = spilled && arena !== null && locations.length > 1;
        if (apart) record.finding.locations = [];
        const sightings = new Sightings(record.finding);
        held += sightings.size;
        const h = {
          record: { sightings, secret: record.secret },
          index: holders.length,
        };
        byFingerprint.set(record.finding.fingerprint, h);
        holders.push(h);
        if (record.slot !== undefined) noteIn(record.slot, h);
        if (apart)
          for (const l of locations) arena.add(h.index, locationKey(l));
        continue;
      }
      const { sightings } = known.record;
      if (spilled && arena !== null) {
        sightings.absorbApart(record.finding);
        for (const l of record.finding.locations)
          arena.add(known.index, locationKey(l));
      } else {
        const before = sightings.size;
        sightings.absorb(record.finding);
        held += sightings.size - before;
      }
      if (known.record.secret === null) known.record.secret = record.secret;
    }
    if (byFingerprint.size >= bounds.findings) {
      if (arena !== null && arena.used > 0) yield drainArena();
      yield {
        kind: "findings",
        records: holders.map((h) => h.record),
        last: false,
      };
      byFingerprint = new Map();
      holders = [];
      generation = nextGeneration();
      held = 0;
      spilled = true;
      hooks.onFindingsHandedOn?.();
    } else if (!spilled && held >= bounds.locations) {
      const drained: StagedLocations[] = [];
      for (const { record } of holders) {
        const { sightings } = record;
        if (sightings.size > 0) drained.push(sightings.drainLocations());
      }
      yield { kind: "locations", locations: drained };
      held = 0;
      spilled = arena !== null;
    } else if (arena !== null && arena.used >= arenaBytes) {
      yield drainArena();
    }
  }
  hooks.onRead?.();
  if (arena !== null && arena.used > 0) yield drainArena();
  arena?.release();
  yield {
    kind: "findings",
    records: holders.map((h) => h.record),
    last: true,
  };
}

/** Every merge's generations are distinct: a slot noted by one merge is never another's. */
let generations = 0;
const nextGeneration = (): number => ++generations;

/** A finding being merged and its place among those held (its locations' owner in the arena). */
interface Held {
  record: SightedRecord;
  index: number;
}

/** Bounds that ever hand locations on: a whole-file read merges in memory, arena-less. */
function spillable(bounds: MergeBounds): boolean {
  return Number.isFinite(bounds.locations) && Number.isFinite(bounds.findings);
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
