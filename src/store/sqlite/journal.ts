import type { Database } from "better-sqlite3";
import type {
  IntentRecord,
  IntentStatus,
  NewIntent,
  TicketRecord,
} from "../types.js";
import {
  type IntentRow,
  type TicketRow,
  toIntentRecord,
  toTicketRecord,
} from "./rows.js";

export function getIntent(db: Database, key: string): IntentRecord | null {
  const row = db.prepare(`SELECT * FROM intents WHERE key = ?`).get(key) as
    IntentRow | undefined;
  return row === undefined ? null : toIntentRecord(row);
}

/** A new intent starts pending; beginning a finished one again leaves it as it is. */
export function beginIntent(
  db: Database,
  intent: NewIntent,
  at: string,
): IntentRecord {
  db.prepare(
    `INSERT INTO intents (key, fingerprint, cycle, kind, status, attempts, input_json,
       started_at)
     VALUES (?, ?, ?, ?, 'pending', 1, ?, ?)
     ON CONFLICT (key) DO UPDATE SET attempts = attempts + 1, started_at = excluded.started_at
       WHERE status IN ('pending', 'failed', 'deferred')`,
  ).run(
    intent.key,
    intent.fingerprint,
    intent.cycle,
    intent.kind,
    JSON.stringify(intent.input),
    at,
  );
  db.prepare(
    `UPDATE intents SET status = 'pending' WHERE key = ? AND status IN ('failed', 'deferred')`,
  ).run(intent.key);
  return getIntent(db, intent.key) as IntentRecord;
}

export function completeIntent(
  db: Database,
  key: string,
  status: Exclude<IntentStatus, "pending" | "deferred">,
  output: Record<string, unknown>,
  at: string,
): void {
  db.prepare(
    `UPDATE intents SET status = ?, output_json = ?, finished_at = ? WHERE key = ?`,
  ).run(status, JSON.stringify(output), at, key);
}

/** A refusal before acting: the begin is taken back from the attempt count. */
export function deferIntent(
  db: Database,
  key: string,
  output: Record<string, unknown>,
  at: string,
): void {
  db.prepare(
    `UPDATE intents SET status = 'deferred', attempts = MAX(attempts - 1, 0),
       output_json = ?, finished_at = ?
     WHERE key = ? AND status = 'pending'`,
  ).run(JSON.stringify(output), at, key);
}

export function listIntents(
  db: Database,
  fp: string,
  cycle: number,
): IntentRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM intents WHERE fingerprint = ? AND cycle = ? ORDER BY rowid`,
    )
    .all(fp, cycle) as IntentRow[];
  return rows.map(toIntentRecord);
}

export function saveTicket(db: Database, t: TicketRecord): void {
  db.prepare(
    `INSERT INTO tickets (fingerprint, cycle, instance, itsm, correlation_id,
       approval_source, ticket_id, ticket_key, url, lifecycle, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (fingerprint, cycle, instance) DO UPDATE SET
       ticket_id = excluded.ticket_id, ticket_key = excluded.ticket_key, url = excluded.url,
       lifecycle = excluded.lifecycle, approval_source = excluded.approval_source,
       updated_at = excluded.updated_at`,
  ).run(
    t.fingerprint,
    t.cycle,
    t.instance,
    t.itsm,
    t.correlationId,
    t.approvalSource ? 1 : 0,
    t.ref?.id ?? null,
    t.ref?.key ?? null,
    t.ref?.url ?? null,
    t.lifecycle,
    t.createdAt,
    t.updatedAt,
  );
}

export function listTickets(
  db: Database,
  fp: string,
  cycle?: number,
): TicketRecord[] {
  const rows = (
    cycle === undefined
      ? db
          .prepare(
            `SELECT * FROM tickets WHERE fingerprint = ?
             ORDER BY cycle, approval_source DESC, instance`,
          )
          .all(fp)
      : db
          .prepare(
            `SELECT * FROM tickets WHERE fingerprint = ? AND cycle = ?
             ORDER BY approval_source DESC, instance`,
          )
          .all(fp, cycle)
  ) as TicketRow[];
  return rows.map(toTicketRecord);
}

const CHUNK = 500;

/** Marks due, now, the live findings whose current-cycle ticket is among the changed ids. */
export function markTicketsChanged(
  db: Database,
  instance: string,
  ids: string[],
  now: string,
): number {
  let marked = 0;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const marks = chunk.map(() => "?").join(",");
    marked += db
      .prepare(
        `UPDATE findings SET due_at = ? WHERE (due_at IS NULL OR due_at > ?)
           AND state IN ('ticketing', 'awaiting_approval', 'executing', 'verifying', 'evidence',
             'manual')
           AND fingerprint IN (SELECT t.fingerprint FROM tickets t
             WHERE t.instance = ? AND t.ticket_id IN (${marks})
               AND t.cycle = findings.cycle)`,
      )
      .run(now, now, instance, ...chunk).changes;
  }
  return marked;
}
