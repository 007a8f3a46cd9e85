import Database from "better-sqlite3";
import type { SealedSecret } from "../../custody/types.js";
import type { Finding } from "../../domain/finding.js";
import { Sightings } from "../../domain/sightings.js";
import type { StagedLocations } from "../../domain/sightings.js";
import type {
  FindingStage,
  FindingUpsert,
  StagedUpsert,
  UpsertResult,
} from "../types.js";
import { upsertFindings } from "./cycles.js";

/**
 * Merged findings upserted together at commit, and at most about this many locations: few, so a
 * chunk dies young instead of being promoted (a finding of 1,000 locations is about 300 KB).
 */
const UPSERT_FINDINGS = 8;
const UPSERT_LOCATIONS = 2_000;

const SHELL = 0;
const LOCATIONS = 1;

interface StagedRow {
  fingerprint: string;
  kind: typeof SHELL | typeof LOCATIONS;
  shell_json: string | null;
  locations: string | Buffer;
  omitted: number;
  key_id: string | null;
  iv: Buffer | null;
  tag: Buffer | null;
  ciphertext: Buffer | null;
}

/**
 * Partial findings of one large read (the same fingerprint may come in several batches), kept in
 * a private temporary SQLite database of their own, which SQLite deletes when it closes: not the
 * store, so a read that fails half-way leaves nothing behind in it. Read back one fingerprint at
 * a time, merged, in bounded memory. A secret arrives here already sealed.
 */
export class FindingStaging {
  // An empty file name is a private temporary database on disk, deleted when it closes. A
  // connection of its own also lets `merged` read while the caller writes to the store.
  readonly #db = new Database("");
  readonly #insert: Database.Statement;

  constructor() {
    this.#db.exec(`CREATE TABLE staged (seq INTEGER PRIMARY KEY,
      fingerprint TEXT NOT NULL, kind INTEGER NOT NULL, shell_json TEXT,
      locations TEXT NOT NULL, omitted INTEGER NOT NULL,
      key_id TEXT, iv BLOB, tag BLOB, ciphertext BLOB)`);
    this.#insert = this.#db.prepare(
      `INSERT INTO staged (fingerprint, kind, shell_json, locations, omitted,
         key_id, iv, tag, ciphertext)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Findings no longer held: their shell and the locations they still held. */
  addFindings(items: StagedUpsert[]): void {
    this.#db.transaction(() => {
      for (const { sightings, sealedSecret: s } of items) {
        this.#insert.run(
          sightings.fingerprint,
          SHELL,
          sightings.stagedShell(),
          "",
          0,
          s?.keyId ?? null,
          s?.iv ?? null,
          s?.tag ?? null,
          s?.ciphertext ?? null,
        );
        this.#addLocation(sightings.drainLocations());
      }
    })();
  }

  /** Locations of findings still held: their shell comes in a later `addFindings`. */
  addLocations(rows: StagedLocations[]): void {
    this.#db.transaction(() => {
      for (const row of rows) this.#addLocation(row);
    })();
  }

  #addLocation(row: StagedLocations): void {
    if (row.locations === "" && row.omitted === 0) return;
    this.#insert.run(
      row.fingerprint,
      LOCATIONS,
      null,
      row.locations,
      row.omitted,
      null,
      null,
      null,
      null,
    );
  }

  /**
   * Every staged fingerprint once: its shells merged, then its locations in the order they were
   * staged (first seen first, which is what the cap keeps). SQLite sorts on disk.
   */
  *merged(): Generator<FindingUpsert> {
    const rows = this.#db
      .prepare(`SELECT * FROM staged ORDER BY fingerprint, kind, seq`)
      .iterate() as IterableIterator<StagedRow>;
    let current: StagedUpsert | null = null;
    for (const row of rows) {
      if (current?.sightings.fingerprint !== row.fingerprint) {
        if (current !== null) yield upsertOf(current);
        current = null;
      }
      if (row.kind === LOCATIONS) {
        current?.sightings.addStaged(row.locations, row.omitted);
        continue;
      }
      const shell = JSON.parse(row.shell_json ?? "null") as Finding;
      if (current === null) {
        current = {
          sightings: Sightings.fromStaged(shell),
          sealedSecret: sealedOf(row),
        };
        continue;
      }
      current.sightings.absorbShell(shell);
      current.sealedSecret ??= sealedOf(row);
    }
    if (current !== null) yield upsertOf(current);
  }

  close(): void {
    this.#db.close();
  }
}

type Run = <T>(fn: () => T) => Promise<T>;

/** The store's FindingStage: a report that fits in one batch never touches the scratch table. */
export function openFindingStage(
  db: Database.Database,
  run: Run,
  inTransaction: Run,
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
      const items = staging?.merged() ?? (pending ?? []).map(upsertOf);
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
  items: Iterable<FindingUpsert>,
  at: string,
): UpsertResult & { findings: number } {
  const result: UpsertResult & { findings: number } = {
    added: [],
    updated: [],
    regressions: [],
    findings: 0,
  };
  let chunk: FindingUpsert[] = [];
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
    locations += item.finding.locations.length;
    if (chunk.length >= UPSERT_FINDINGS || locations >= UPSERT_LOCATIONS)
      flush();
  }
  flush();
  return result;
}

function sealedOf(row: StagedRow): SealedSecret | null {
  if (row.key_id === null || row.iv === null) return null;
  if (row.tag === null || row.ciphertext === null) return null;
  return {
    keyId: row.key_id,
    iv: row.iv,
    tag: row.tag,
    ciphertext: row.ciphertext,
  };
}

function upsertOf(m: StagedUpsert): FindingUpsert {
  return { finding: m.sightings.toFinding(), sealedSecret: m.sealedSecret };
}
