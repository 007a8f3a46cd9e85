import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { SealedSecret } from "../../custody/types.js";
import type { FindingState } from "../../domain/states.js";
import { migrations } from "../migrations/index.js";
import type {
  EvidenceRecord,
  FindingPatch,
  FindingRecord,
  FindingUpsert,
  IntentRecord,
  IntentStatus,
  NewEvidence,
  NewIntent,
  Store,
  TicketRecord,
  TransitionRecord,
  UpsertResult,
} from "../types.js";
import * as evidence from "./evidence.js";
import * as findings from "./findings.js";
import * as journal from "./journal.js";
import { FINDING_COLUMNS, type FindingRow, toFindingRecord } from "./rows.js";
import * as secrets from "./secrets.js";

export const SQLITE_FILE_NAME = "closeloop.sqlite";

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so each method
 * runs to completion before the promise resolves; multi-statement writes run in one transaction.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: Database.Database;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.path = path;
    this.#db = new Database(path);
    this.#db.pragma("journal_mode = WAL");
    // The journal is what makes a restart safe: a commit must survive a power cut.
    this.#db.pragma("synchronous = FULL");
    this.#db.pragma("foreign_keys = ON");
    this.#db.pragma("secure_delete = ON");
    this.#db.pragma("busy_timeout = 5000");
  }

  static inDataDir(dataDir: string): SqliteStore {
    return new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
  }

  async migrate(): Promise<void> {
    const db = this.#db;
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set(
      (
        db.prepare(`SELECT version FROM schema_migrations`).all() as {
          version: number;
        }[]
      ).map((r) => r.version),
    );
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare(
          `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
        ).run(m.version, m.name, new Date().toISOString());
      }).immediate();
    }
    return Promise.resolve();
  }

  async close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  #tx<T>(fn: () => T): Promise<T> {
    return Promise.resolve(this.#db.transaction(fn).immediate());
  }

  upsertFindings(items: FindingUpsert[], at: string): Promise<UpsertResult> {
    return this.#tx(() => findings.upsertFindings(this.#db, items, at));
  }

  getFinding(fingerprint: string): Promise<FindingRecord | null> {
    return Promise.resolve(findings.getFinding(this.#db, fingerprint));
  }

  listFindings(): Promise<FindingRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT ${FINDING_COLUMNS} FROM findings f ORDER BY created_at, fingerprint`,
      )
      .all() as FindingRow[];
    return Promise.resolve(rows.map(toFindingRecord));
  }

  transition(
    fingerprint: string,
    from: FindingState,
    to: FindingState,
    patch: FindingPatch,
    at: string,
  ): Promise<FindingRecord> {
    return this.#tx(() =>
      findings.transition(this.#db, fingerprint, from, to, patch, at),
    );
  }

  newCycle(
    fingerprint: string,
    from: FindingState,
    to: FindingState,
    at: string,
  ): Promise<FindingRecord> {
    return this.#tx(() =>
      findings.newCycle(this.#db, fingerprint, from, to, at),
    );
  }

  updateFinding(
    fingerprint: string,
    patch: FindingPatch,
    at: string,
  ): Promise<void> {
    return this.#tx(() =>
      findings.updateFinding(this.#db, fingerprint, patch, at),
    );
  }

  listTransitions(fingerprint: string): Promise<TransitionRecord[]> {
    const rows = this.#db
      .prepare(
        `SELECT fingerprint, cycle, from_state AS "from", to_state AS "to", step, at
         FROM transitions WHERE fingerprint = ? ORDER BY seq`,
      )
      .all(fingerprint) as TransitionRecord[];
    return Promise.resolve(rows);
  }

  claimDue(
    now: string,
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<FindingRecord[]> {
    const until = new Date(Date.parse(now) + leaseMs).toISOString();
    return this.#tx(() =>
      findings.claimDue(this.#db, now, owner, until, limit),
    );
  }

  releaseClaim(fingerprint: string, owner: string): Promise<void> {
    this.#db
      .prepare(
        `UPDATE findings SET claimed_by = NULL, claimed_until = NULL
         WHERE fingerprint = ? AND claimed_by = ?`,
      )
      .run(fingerprint, owner);
    return Promise.resolve();
  }

  saveTicket(ticket: TicketRecord): Promise<void> {
    return this.#tx(() => journal.saveTicket(this.#db, ticket));
  }

  listTickets(fingerprint: string, cycle?: number): Promise<TicketRecord[]> {
    return Promise.resolve(journal.listTickets(this.#db, fingerprint, cycle));
  }

  recordTicketChanges(
    instance: string,
    ticketIds: string[],
    cursor: string,
    now: string,
  ): Promise<number> {
    return this.#tx(() => {
      const marked = journal.markTicketsChanged(
        this.#db,
        instance,
        ticketIds,
        now,
      );
      this.#db
        .prepare(
          `INSERT INTO cursors (instance, cursor, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (instance) DO UPDATE SET cursor = excluded.cursor,
             updated_at = excluded.updated_at`,
        )
        .run(instance, cursor, now);
      return marked;
    });
  }

  getCursor(instance: string): Promise<string | null> {
    const row = this.#db
      .prepare(`SELECT cursor FROM cursors WHERE instance = ?`)
      .get(instance) as { cursor: string } | undefined;
    return Promise.resolve(row?.cursor ?? null);
  }

  beginIntent(intent: NewIntent, at: string): Promise<IntentRecord> {
    return this.#tx(() => journal.beginIntent(this.#db, intent, at));
  }

  completeIntent(
    key: string,
    status: Exclude<IntentStatus, "pending">,
    output: Record<string, unknown>,
    at: string,
  ): Promise<void> {
    return this.#tx(() =>
      journal.completeIntent(this.#db, key, status, output, at),
    );
  }

  getIntent(key: string): Promise<IntentRecord | null> {
    return Promise.resolve(journal.getIntent(this.#db, key));
  }

  listIntents(fingerprint: string, cycle: number): Promise<IntentRecord[]> {
    return Promise.resolve(journal.listIntents(this.#db, fingerprint, cycle));
  }

  putSecret(fingerprint: string, sealed: SealedSecret): Promise<void> {
    const at = new Date().toISOString();
    return this.#tx(() => secrets.putSecret(this.#db, fingerprint, sealed, at));
  }

  getSecret(fingerprint: string): Promise<SealedSecret | null> {
    return Promise.resolve(secrets.getSecret(this.#db, fingerprint));
  }

  shredSecret(fingerprint: string): Promise<void> {
    return this.#tx(() => secrets.shredSecret(this.#db, fingerprint));
  }

  listSecrets(): Promise<{ fingerprint: string; sealed: SealedSecret }[]> {
    return Promise.resolve(secrets.listSecrets(this.#db));
  }

  appendEvidence(
    fingerprint: string,
    cycle: number,
    build: (prevSha256: string | null) => NewEvidence,
    at: string,
  ): Promise<EvidenceRecord> {
    return this.#tx(() =>
      evidence.appendEvidence(this.#db, fingerprint, cycle, build, at),
    );
  }

  getEvidence(
    fingerprint: string,
    cycle: number,
  ): Promise<EvidenceRecord | null> {
    return Promise.resolve(evidence.getEvidence(this.#db, fingerprint, cycle));
  }

  listEvidence(range: {
    from?: string;
    to?: string;
  }): Promise<EvidenceRecord[]> {
    return Promise.resolve(evidence.listEvidence(this.#db, range));
  }
}
