import type { Database } from "better-sqlite3";
import type { FindingState } from "../../domain/states.js";
import type { TicketRef } from "../../itsm/types.js";
import { StateConflictError } from "../errors.js";
import { isReappearance, mergeFinding } from "../merge.js";
import type { Finding } from "../../domain/finding.js";
import type {
  FindingRecord,
  FindingUpsert,
  StagedUpsert,
  UpsertResult,
} from "../types.js";
import { cachedStatement } from "./database.js";
import {
  columnsOfParts,
  findingColumns,
  type FindingColumns,
} from "./finding-columns.js";
import { getFinding, transition } from "./findings.js";
import { type TicketRow, toTicketRecord } from "./rows.js";
import { putSecret } from "./secrets.js";

/**
 * A finding to upsert: built, or merged sightings (a staged merge), whose JSON a new finding gets
 * without its thousands of location objects being built and stringified.
 */
type UpsertItem = FindingUpsert | StagedUpsert;

const fingerprintOf = (item: UpsertItem): string =>
  "sightings" in item ? item.sightings.fingerprint : item.finding.fingerprint;

const findingOf = (item: UpsertItem): Finding =>
  "sightings" in item ? item.sightings.toFinding() : item.finding;

const columnsOf = (item: UpsertItem): FindingColumns =>
  "sightings" in item
    ? columnsOfParts(
        item.sightings.shellJson(),
        item.sightings.locationsJsonBytes() ?? item.sightings.locationsJson(),
      )
    : findingColumns(item.finding);

function insertNew(db: Database, item: UpsertItem, at: string): void {
  const { findingJson, locationsBr } = columnsOf(item);
  cachedStatement(
    db,
    `INSERT INTO findings (fingerprint, finding_json, locations_br, state, due_at, created_at,
       updated_at, last_step, last_step_at)
     VALUES (?, ?, ?, 'new', ?, ?, ?, 'finding.ingested', ?)`,
  ).run(fingerprintOf(item), findingJson, locationsBr, at, at, at, at);
}

function ticketRefsOf(db: Database, fp: string, cycle: number): TicketRef[] {
  return (
    db
      .prepare(`SELECT * FROM tickets WHERE fingerprint = ? AND cycle = ?`)
      .all(fp, cycle) as TicketRow[]
  )
    .map(toTicketRecord)
    .flatMap((t) => (t.ref === null ? [] : [t.ref]));
}

export function newCycle(
  db: Database,
  fp: string,
  from: FindingState,
  to: FindingState,
  at: string,
): FindingRecord {
  const current = getFinding(db, fp);
  if (current?.state !== from) {
    throw new StateConflictError(fp, from, current?.state ?? null);
  }
  const old = ticketRefsOf(db, fp, current.cycle);
  db.prepare(
    `UPDATE findings SET state = ?, cycle = cycle + 1, reason = NULL, approval_json = NULL,
       regression_of_json = ?, due_at = ?, attempts = 0, last_step = ?, last_step_at = ?,
       updated_at = ?
     WHERE fingerprint = ?`,
  ).run(to, JSON.stringify(old), at, `cycle.${to}`, at, at, fp);
  db.prepare(
    `INSERT INTO transitions (fingerprint, cycle, from_state, to_state, step, at)
     VALUES (?, ?, ?, ?, 'cycle.new', ?)`,
  ).run(fp, current.cycle + 1, from, to, at);
  return getFinding(db, fp) as FindingRecord;
}

function startRegression(
  db: Database,
  existing: FindingRecord,
  columns: FindingColumns,
  at: string,
): void {
  const oldTickets = ticketRefsOf(db, existing.fingerprint, existing.cycle);
  db.prepare(
    `UPDATE findings SET finding_json = ?, locations_br = ?, state = 'regression',
       cycle = cycle + 1,
       reason = NULL, identity_json = NULL, plan_json = NULL, plan_hash = NULL,
       approval_json = NULL, regression_of_json = ?, due_at = ?, attempts = 0,
       closed_at = NULL, last_step = 'finding.regression', last_step_at = ?, updated_at = ?
     WHERE fingerprint = ?`,
  ).run(
    columns.findingJson,
    columns.locationsBr,
    JSON.stringify(oldTickets),
    at,
    at,
    at,
    existing.fingerprint,
  );
  db.prepare(
    `INSERT INTO transitions (fingerprint, cycle, from_state, to_state, step, at)
     VALUES (?, ?, 'closed', 'regression', 'finding.regression', ?)`,
  ).run(existing.fingerprint, existing.cycle + 1, at);
}

/** The body of `upsertFindings`; the caller wraps it in one transaction. */
export function upsertFindings(
  db: Database,
  items: readonly UpsertItem[],
  at: string,
): UpsertResult {
  const result: UpsertResult = { added: [], updated: [], regressions: [] };
  for (const item of items) {
    const fp = fingerprintOf(item);
    const existing = getFinding(db, fp);
    if (existing === null) {
      insertNew(db, item, at);
      if (item.sealedSecret !== null) putSecret(db, fp, item.sealedSecret, at);
      result.added.push(fp);
      continue;
    }

    const incoming = findingOf(item);
    const merged = findingColumns(mergeFinding(existing.finding, incoming));
    if (existing.state === "closed") {
      if (!isReappearance(existing.finding, incoming)) continue;
      startRegression(db, existing, merged, at);
      if (item.sealedSecret !== null) putSecret(db, fp, item.sealedSecret, at);
      result.regressions.push(fp);
      continue;
    }

    // A finding held because its source had it resolved or suppressed is due again at once.
    cachedStatement(
      db,
      `UPDATE findings SET finding_json = ?, locations_br = ?, updated_at = ?,
         due_at = CASE WHEN state IN ('new', 'regression') THEN ? ELSE due_at END
       WHERE fingerprint = ?`,
    ).run(merged.findingJson, merged.locationsBr, at, at, fp);
    // An unresolved finding is tried again: the resolution rules may have changed since.
    if (existing.state === "unresolved") {
      transition(db, fp, "unresolved", "new", { reason: null, dueAt: at }, at);
    }
    // A finding at a manual ticket keeps it; its step resolves again and may plan it after all.
    if (existing.state === "manual" || existing.state === "manual_closed") {
      db.prepare(`UPDATE findings SET due_at = ? WHERE fingerprint = ?`).run(
        at,
        fp,
      );
    }
    if (item.sealedSecret !== null && !existing.hasSecret) {
      putSecret(db, fp, item.sealedSecret, at);
    }
    result.updated.push(fp);
  }
  return result;
}
