import type { Database } from "better-sqlite3";
import { join } from "node:path";
import type { SealedSecret } from "../../custody/types.js";
import type { FindingState } from "../../domain/states.js";
import type {
  EvidenceRecord,
  FindingPatch,
  FindingRecord,
  FindingStage,
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
import { migrateDatabase, openDatabase } from "./database.js";
import * as cycles from "./cycles.js";
import * as evidence from "./evidence.js";
import * as findings from "./findings.js";
import * as journal from "./journal.js";
import * as secrets from "./secrets.js";
import { openFindingStage } from "./staging.js";

export const SQLITE_FILE_NAME = "closeloop.sqlite";

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, so each method
 * runs to completion before the promise resolves; multi-statement writes run in one transaction.
 */
export class SqliteStore implements Store {
  readonly path: string;
  readonly #db: Database;

  constructor(path: string) {
    this.path = path;
    this.#db = openDatabase(path);
  }

  static inDataDir(dataDir: string): SqliteStore {
    return new SqliteStore(join(dataDir, SQLITE_FILE_NAME));
  }

  migrate(): Promise<void> {
    return this.#run(() => migrateDatabase(this.#db));
  }

  close(): Promise<void> {
    return this.#run(() => {
      this.#db.close();
    });
  }

  /** better-sqlite3 throws synchronously; callers of a Store expect a rejected promise. */
  #run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (error) {
      return Promise.reject(
        error instanceof Error ? error : new Error(String(error)),
      );
    }
  }

  #tx<T>(fn: () => T): Promise<T> {
    return this.#run(() => this.#db.transaction(fn).immediate());
  }

  upsertFindings(items: FindingUpsert[], at: string): Promise<UpsertResult> {
    return this.#tx(() => cycles.upsertFindings(this.#db, items, at));
  }

  stageFindings(): Promise<FindingStage> {
    return Promise.resolve(
      openFindingStage(
        this.#db,
        (fn) => this.#run(fn),
        (fn) => this.#tx(fn),
      ),
    );
  }

  getFinding(fingerprint: string): Promise<FindingRecord | null> {
    return this.#run(() => findings.getFinding(this.#db, fingerprint));
  }

  listFindings(): Promise<FindingRecord[]> {
    return this.#run(() => findings.listFindings(this.#db));
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
    return this.#tx(() => cycles.newCycle(this.#db, fingerprint, from, to, at));
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
    return this.#run(() => findings.listTransitions(this.#db, fingerprint));
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
    return this.#run(() => {
      this.#db
        .prepare(
          `UPDATE findings SET claimed_by = NULL, claimed_until = NULL
           WHERE fingerprint = ? AND claimed_by = ?`,
        )
        .run(fingerprint, owner);
    });
  }

  saveTicket(ticket: TicketRecord): Promise<void> {
    return this.#tx(() => journal.saveTicket(this.#db, ticket));
  }

  listTickets(fingerprint: string, cycle?: number): Promise<TicketRecord[]> {
    return this.#run(() => journal.listTickets(this.#db, fingerprint, cycle));
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
    return this.#run(() => {
      const row = this.#db
        .prepare(`SELECT cursor FROM cursors WHERE instance = ?`)
        .get(instance) as { cursor: string } | undefined;
      return row?.cursor ?? null;
    });
  }

  beginIntent(intent: NewIntent, at: string): Promise<IntentRecord> {
    return this.#tx(() => journal.beginIntent(this.#db, intent, at));
  }

  completeIntent(
    key: string,
    status: Exclude<IntentStatus, "pending" | "deferred">,
    output: Record<string, unknown>,
    at: string,
  ): Promise<void> {
    return this.#tx(() =>
      journal.completeIntent(this.#db, key, status, output, at),
    );
  }

  deferIntent(
    key: string,
    output: Record<string, unknown>,
    at: string,
  ): Promise<void> {
    return this.#tx(() => journal.deferIntent(this.#db, key, output, at));
  }

  getIntent(key: string): Promise<IntentRecord | null> {
    return this.#run(() => journal.getIntent(this.#db, key));
  }

  listIntents(fingerprint: string, cycle: number): Promise<IntentRecord[]> {
    return this.#run(() => journal.listIntents(this.#db, fingerprint, cycle));
  }

  putSecret(fingerprint: string, sealed: SealedSecret): Promise<void> {
    const at = new Date().toISOString();
    return this.#tx(() => secrets.putSecret(this.#db, fingerprint, sealed, at));
  }

  getSecret(fingerprint: string): Promise<SealedSecret | null> {
    return this.#run(() => secrets.getSecret(this.#db, fingerprint));
  }

  shredSecret(fingerprint: string): Promise<void> {
    return this.#tx(() => secrets.shredSecret(this.#db, fingerprint));
  }

  listSecrets(): Promise<{ fingerprint: string; sealed: SealedSecret }[]> {
    return this.#run(() => secrets.listSecrets(this.#db));
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
    return this.#run(() => evidence.getEvidence(this.#db, fingerprint, cycle));
  }

  listEvidence(range: {
    from?: string;
    to?: string;
  }): Promise<EvidenceRecord[]> {
    return this.#run(() => evidence.listEvidence(this.#db, range));
  }
}
