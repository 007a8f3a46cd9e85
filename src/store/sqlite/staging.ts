import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { SealedSecret } from "../../custody/types.js";
import type { Finding } from "../../domain/finding.js";
import { Sightings } from "../../domain/sightings.js";
import type { FindingStage, FindingUpsert, UpsertResult } from "../types.js";
import { upsertFindings } from "./cycles.js";

/** Rows read back at a time: each holds at most one finding's capped locations. */
const PAGE_ROWS = 256;
/** Merged findings upserted together at commit, and at most about this many locations. */
const UPSERT_FINDINGS = 256;
const UPSERT_LOCATIONS = 50_000;

interface StagedRow {
  seq: number;
  fingerprint: string;
  finding_json: string;
  key_id: string | null;
  iv: Buffer | null;
  tag: Buffer | null;
  ciphertext: Buffer | null;
}

/**
 * Partial findings of one large read (the same fingerprint may come in several batches), kept in
 * a TEMP table, which SQLite writes to a temporary file of its own and deletes with the connection:
 * not the store, so a read that fails half-way leaves nothing behind in it. Read back one
 * fingerprint at a time, merged, in bounded memory. A secret arrives here already sealed.
 */
export class FindingStaging {
  readonly #db: Database.Database;
  readonly #table: string;
  #indexed = false;

  constructor(db: Database.Database) {
    this.#db = db;
    this.#table = `temp.finding_stage_${randomUUID().replaceAll("-", "")}`;
    db.exec(`CREATE TABLE ${this.#table} (seq INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL,
      finding_json TEXT NOT NULL, key_id TEXT, iv BLOB, tag BLOB, ciphertext BLOB)`);
  }

  add(items: FindingUpsert[]): void {
    const insert = this.#db.prepare(
      `INSERT INTO ${this.#table} (fingerprint, finding_json, key_id, iv, tag, ciphertext)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#db.transaction(() => {
      for (const { finding, sealedSecret: s } of items) {
        insert.run(
          finding.fingerprint,
          JSON.stringify(finding),
          s?.keyId ?? null,
          s?.iv ?? null,
          s?.tag ?? null,
          s?.ciphertext ?? null,
        );
      }
    })();
  }

  /**
   * Every staged fingerprint once, its partials merged in the order they were staged. Reads a page
   * at a time (no statement stays open), so the caller may write between two findings.
   */
  *merged(): Generator<FindingUpsert> {
    if (!this.#indexed) {
      const name = `${this.#table}_fp`;
      this.#db.exec(
        `CREATE INDEX ${name} ON ${this.#table.slice(5)} (fingerprint, seq)`,
      );
      this.#indexed = true;
    }
    const page = this.#db.prepare(
      `SELECT * FROM ${this.#table} WHERE (fingerprint, seq) > (?, ?)
       ORDER BY fingerprint, seq LIMIT ${PAGE_ROWS}`,
    );
    let current: { sightings: Sightings; sealed: SealedSecret | null } | null =
      null;
    let after: [string, number] = ["", 0];
    for (;;) {
      const rows = page.all(...after) as StagedRow[];
      for (const row of rows) {
        const finding = JSON.parse(row.finding_json) as Finding;
        const sealed = sealedOf(row);
        if (current?.sightings.finding.fingerprint === row.fingerprint) {
          current.sightings.absorb(finding);
          current.sealed ??= sealed;
          continue;
        }
        if (current !== null) yield upsertOf(current);
        current = { sightings: new Sightings(finding), sealed };
      }
      const last = rows.at(-1);
      if (last === undefined) break;
      after = [last.fingerprint, last.seq];
    }
    if (current !== null) yield upsertOf(current);
  }

  drop(): void {
    this.#db.exec(`DROP TABLE IF EXISTS ${this.#table}`);
  }
}

type Run = <T>(fn: () => T) => Promise<T>;

/**
 * The store's FindingStage. The first batch waits in memory: a report that fits in one batch is
 * upserted as it is and never touches the scratch table.
 */
export function openFindingStage(
  db: Database.Database,
  run: Run,
  inTransaction: Run,
): FindingStage {
  let pending: FindingUpsert[] | null = null;
  let staging: FindingStaging | null = null;
  const drop = () =>
    run(() => {
      staging?.drop();
      staging = null;
      pending = null;
    });
  return {
    add: (items) =>
      run(() => {
        if (pending === null && staging === null) {
          pending = items;
          return;
        }
        staging ??= new FindingStaging(db);
        if (pending !== null) staging.add(pending);
        pending = null;
        staging.add(items);
      }),
    commit: async (at) => {
      try {
        return await inTransaction(() =>
          upsertAll(db, staging?.merged() ?? pending ?? [], at),
        );
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

/** Staging on a connection of its own: for a read that stores nothing (`ingest --dry-run`). */
export function openScratchStaging(): {
  staging: FindingStaging;
  close: () => void;
} {
  // An empty file name is a private temporary database on disk, deleted when it closes.
  const db = new Database("");
  return {
    staging: new FindingStaging(db),
    close: () => {
      db.close();
    },
  };
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

function upsertOf(m: {
  sightings: Sightings;
  sealed: SealedSecret | null;
}): FindingUpsert {
  return { finding: m.sightings.finding, sealedSecret: m.sealed };
}
