import type Database from "better-sqlite3";
import type { Finding } from "../../domain/finding.js";
import { KeyMerger } from "../../domain/key-merger.js";
import {
  MAX_LOCATIONS_PER_FINDING,
  Sightings,
} from "../../domain/sightings.js";
import type { StagedLocations } from "../../domain/sightings.js";
import type { FindingStage, StagedUpsert, UpsertResult } from "../types.js";
import { upsertFindings } from "./cycles.js";
import { StagingFile } from "./staging-file.js";
import {
  LOCATIONS,
  RunReader,
  RunWriter,
  SHELL,
  sortedByFingerprint,
} from "./staging-runs.js";
import type { Run } from "./staging-runs.js";

/**
 * Merged findings upserted together at commit, and at most about this many locations: few, so a
 * chunk's JSON dies young instead of being promoted (a finding of 1,000 places is ~150 KB of it).
 */
const UPSERT_FINDINGS = 8;
const UPSERT_LOCATIONS = 2_000;

/**
 * Partial findings of one large read (the same fingerprint may come in several batches), kept
 * outside the store, so a read that fails half-way leaves nothing behind in it. Each batch is
 * appended to a private temporary file as one run of rows sorted by fingerprint (a shell's JSON,
 * a row of location keys); at the end the runs are merged by reading each straight through, one
 * fingerprint at a time, in bounded memory: a buffer per run. Sorting all the rows at once in
 * SQLite (which then read them back one by one, all over its file) was half of a 1 GB ingest's
 * commit. A secret arrives here already sealed.
 */
export class FindingStaging {
  readonly #file: StagingFile;
  readonly #runs: Run[] = [];

  /** `root`: where the private directory of the scratch file is made. */
  constructor(root?: string) {
    this.#file = new StagingFile(root);
  }

  /** Findings no longer held: their shell and the locations they still held. */
  addFindings(items: StagedUpsert[]): void {
    const sorted = sortedByFingerprint(items, (i) => i.sightings.fingerprint);
    const run = new RunWriter(this.#file);
    // Each shell's JSON is made as it is written, so it dies young: twenty thousand made first
    // and held for the sort showed in the peak memory of a large ingest.
    for (let from = 0; from < sorted.length;) {
      const fingerprint = sorted[from]?.sightings.fingerprint;
      let to = from + 1;
      while (sorted[to]?.sightings.fingerprint === fingerprint) to += 1;
      const group = sorted.slice(from, to);
      for (const { sightings, sealedSecret } of group) {
        const shell = sightings.stagedShell();
        run.add(sightings.fingerprint, SHELL, 0, sealedSecret, shell);
      }
      for (const { sightings } of group)
        addRow(run, sightings.drainLocations());
      from = to;
    }
    this.#addRun(run);
  }

  /** Locations of findings still held: their shell comes in a later `addFindings`. */
  addLocations(rows: StagedLocations[]): void {
    const run = new RunWriter(this.#file);
    for (const row of sortedByFingerprint(rows, (r) => r.fingerprint)) {
      addRow(run, row);
    }
    this.#addRun(run);
  }

  #addRun(writer: RunWriter): void {
    const run = writer.end();
    if (run !== null) this.#runs.push(run);
  }

  /**
   * Every staged fingerprint once, in fingerprint order, merged: its shells, then its locations
   * in the order they were staged (first seen first, which is what the cap keeps), repeats
   * dropped; the first sealed secret staged for it.
   */
  *merged(): Generator<StagedUpsert> {
    this.#file.flush();
    const runs = this.#runs.map((run) => new RunReader(this.#file, run));
    const merger = new KeyMerger();
    for (;;) {
      const fingerprint = lowest(runs);
      if (fingerprint === null) return;
      // Within a run a fingerprint's shells come before its locations: all the shells first.
      let shell: Sightings | null = null;
      let sealedSecret: StagedUpsert["sealedSecret"] = null;
      for (const run of runs) {
        while (at(run, fingerprint) && run.kind === SHELL) {
          const staged = JSON.parse(run.payload().toString("utf8")) as Finding;
          if (shell === null) shell = new Sightings(staged);
          else shell.absorbShell(staged);
          sealedSecret ??= run.sealed;
          run.advance();
        }
      }
      merger.begin(MAX_LOCATIONS_PER_FINDING);
      for (const run of runs) {
        while (at(run, fingerprint)) {
          // Merged before the run reads again: the payload is a view of its buffer.
          merger.add(run.payload(), run.omitted);
          run.advance();
        }
      }
      if (shell === null) continue;
      const sightings = Sightings.fromStaged(shell.shell, merger.finish());
      yield { sightings, sealedSecret };
    }
  }

  close(): void {
    this.#file.close();
  }
}

function addRow(run: RunWriter, row: StagedLocations): void {
  if (row.locations.length === 0 && row.omitted === 0) return;
  run.add(row.fingerprint, LOCATIONS, row.omitted, null, row.locations);
}

function at(run: RunReader, fingerprint: string): boolean {
  return !run.done && run.fingerprint === fingerprint;
}

/** The fingerprint the merge takes next: the lowest at the head of a run. */
function lowest(runs: readonly RunReader[]): string | null {
  let low: string | null = null;
  for (const run of runs) {
    if (!run.done && (low === null || run.fingerprint < low))
      low = run.fingerprint;
  }
  return low;
}

type Runner = <T>(fn: () => T) => Promise<T>;

/** The store's FindingStage: a report that fits in one batch never touches the scratch table. */
export function openFindingStage(
  db: Database.Database,
  run: Runner,
  inTransaction: Runner,
): FindingStage {
  let pending: StagedUpsert[] | null = null;
  let staging: FindingStaging | null = null;
  const drop = () =>
    run(() => {
      staging?.close();
      staging = null;
      pending = null;
    });
  return {
    add: (items, last) =>
      run(() => {
        if (last && staging === null) {
          pending = items;
          return;
        }
        staging ??= new FindingStaging();
        staging.addFindings(items);
      }),
    addLocations: (rows) =>
      run(() => {
        staging ??= new FindingStaging();
        staging.addLocations(rows);
      }),
    commit: async (at) => {
      // Lazy either way: a finding is built (as JSON) only when its chunk is upserted.
      const items: Iterable<StagedUpsert> = staging?.merged() ?? pending ?? [];
      try {
        return await inTransaction(() => upsertAll(db, items, at));
      } finally {
        await drop();
      }
    },
    discard: drop,
  };
}

function upsertAll(
  db: Database.Database,
  items: Iterable<StagedUpsert>,
  at: string,
): UpsertResult & { findings: number } {
  const result: UpsertResult & { findings: number } = {
    added: [],
    updated: [],
    regressions: [],
    findings: 0,
  };
  let chunk: StagedUpsert[] = [];
  let locations = 0;
  const flush = () => {
    const r = upsertFindings(db, chunk, at);
    result.added.push(...r.added);
    result.updated.push(...r.updated);
    result.regressions.push(...r.regressions);
    chunk = [];
    locations = 0;
  };
  for (const item of items) {
    chunk.push(item);
    result.findings += 1;
    locations += item.sightings.size;
    if (chunk.length >= UPSERT_FINDINGS || locations >= UPSERT_LOCATIONS)
      flush();
  }
  flush();
  return result;
}
