import type { Database } from "better-sqlite3";
import type { FindingState } from "../../domain/states.js";
import type { TicketRef } from "../../itsm/types.js";
import { isEndState } from "../../domain/states.js";
import { StateConflictError } from "../errors.js";
import { isReappearance, mergeFinding } from "../merge.js";
import type {
  FindingPatch,
  FindingRecord,
  FindingUpsert,
  TransitionRecord,
  UpsertResult,
} from "../types.js";
import {
  FINDING_COLUMNS,
  type FindingRow,
  type TicketRow,
  toFindingRecord,
  toTicketRecord,
} from "./rows.js";
import { putSecret } from "./secrets.js";

export function getFinding(db: Database, fp: string): FindingRecord | null {
  const row = db
    .prepare(`SELECT ${FINDING_COLUMNS} FROM findings f WHERE fingerprint = ?`)
    .get(fp) as FindingRow | undefined;
  return row === undefined ? null : toFindingRecord(row);
}

const json = (v: unknown): string | null =>
  v === null ? null : JSON.stringify(v);

/** Patch field → column and how its value is stored. */
const PATCH_COLUMNS: {
  [K in keyof Required<FindingPatch>]: [
    string,
    (v: FindingPatch[K]) => unknown,
  ];
} = {
  reason: ["reason", (v) => v],
  identity: ["identity_json", json],
  plan: ["plan_json", json],
  approval: ["approval_json", json],
  lastStep: ["last_step", (v) => v],
  dueAt: ["due_at", (v) => v],
  attempts: ["attempts", (v) => v],
};

export function listFindings(db: Database): FindingRecord[] {
  const rows = db
    .prepare(
      `SELECT ${FINDING_COLUMNS} FROM findings f ORDER BY created_at, fingerprint`,
    )
    .all() as FindingRow[];
  return rows.map(toFindingRecord);
}

export function listTransitions(db: Database, fp: string): TransitionRecord[] {
  return db
    .prepare(
      `SELECT fingerprint, cycle, from_state AS "from", to_state AS "to", step, at
       FROM transitions WHERE fingerprint = ? ORDER BY seq`,
    )
    .all(fp) as TransitionRecord[];
}

function patchAssignments(patch: FindingPatch): [string[], unknown[]] {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const field of Object.keys(PATCH_COLUMNS) as (keyof FindingPatch)[]) {
    const value = patch[field];
    if (value === undefined) continue;
    const [column, encode] = PATCH_COLUMNS[field] as [
      string,
      (v: unknown) => unknown,
    ];
    sets.push(`${column} = ?`);
    values.push(encode(value));
  }
  if (patch.plan !== undefined) {
    sets.push("plan_hash = ?");
    values.push(patch.plan?.hash ?? null);
  }
  return [sets, values];
}

export function updateFinding(
  db: Database,
  fp: string,
  patch: FindingPatch,
  at: string,
): void {
  const [sets, values] = patchAssignments(patch);
  if (patch.lastStep !== undefined) {
    sets.push("last_step_at = ?");
    values.push(at);
  }
  sets.push("updated_at = ?");
  values.push(at, fp);
  db.prepare(
    `UPDATE findings SET ${sets.join(", ")} WHERE fingerprint = ?`,
  ).run(...values);
}

export function transition(
  db: Database,
  fp: string,
  from: FindingState,
  to: FindingState,
  patch: FindingPatch,
  at: string,
): FindingRecord {
  const current = getFinding(db, fp);
  if (current?.state !== from) {
    throw new StateConflictError(fp, from, current?.state ?? null);
  }
  const effective: FindingPatch = isEndState(to)
    ? { ...patch, dueAt: null }
    : patch;
  const [sets, values] = patchAssignments(effective);
  sets.push("state = ?", "updated_at = ?", "last_step_at = ?");
  values.push(to, at, at);
  if (to === "closed") {
    sets.push("closed_at = ?");
    values.push(at);
  }
  db.prepare(
    `UPDATE findings SET ${sets.join(", ")} WHERE fingerprint = ?`,
  ).run(...values, fp);
  db.prepare(
    `INSERT INTO transitions (fingerprint, cycle, from_state, to_state, step, at)
     VALUES (?, ?, ?, ?, ?, ?)`,
  ).run(fp, current.cycle, from, to, patch.lastStep ?? to, at);
  return getFinding(db, fp) as FindingRecord;
}

function insertNew(db: Database, item: FindingUpsert, at: string): void {
  db.prepare(
    `INSERT INTO findings (fingerprint, finding_json, state, due_at, created_at,
       updated_at, last_step, last_step_at)
     VALUES (?, ?, 'new', ?, ?, ?, 'finding.ingested', ?)`,
  ).run(item.finding.fingerprint, JSON.stringify(item.finding), at, at, at, at);
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
  json: string,
  at: string,
): void {
  const oldTickets = ticketRefsOf(db, existing.fingerprint, existing.cycle);
  db.prepare(
    `UPDATE findings SET finding_json = ?, state = 'regression', cycle = cycle + 1,
       reason = NULL, identity_json = NULL, plan_json = NULL, plan_hash = NULL,
       approval_json = NULL, regression_of_json = ?, due_at = ?, attempts = 0,
       closed_at = NULL, last_step = 'finding.regression', last_step_at = ?, updated_at = ?
     WHERE fingerprint = ?`,
  ).run(json, JSON.stringify(oldTickets), at, at, at, existing.fingerprint);
  db.prepare(
    `INSERT INTO transitions (fingerprint, cycle, from_state, to_state, step, at)
     VALUES (?, ?, 'closed', 'regression', 'finding.regression', ?)`,
  ).run(existing.fingerprint, existing.cycle + 1, at);
}

/** The body of `upsertFindings`; the caller wraps it in one transaction. */
export function upsertFindings(
  db: Database,
  items: FindingUpsert[],
  at: string,
): UpsertResult {
  const result: UpsertResult = { added: [], updated: [], regressions: [] };
  for (const item of items) {
    const fp = item.finding.fingerprint;
    const existing = getFinding(db, fp);
    if (existing === null) {
      insertNew(db, item, at);
      if (item.sealedSecret !== null) putSecret(db, fp, item.sealedSecret, at);
      result.added.push(fp);
      continue;
    }

    const merged = JSON.stringify(mergeFinding(existing.finding, item.finding));
    if (existing.state === "closed") {
      if (!isReappearance(existing.finding, item.finding)) continue;
      startRegression(db, existing, merged, at);
      if (item.sealedSecret !== null) putSecret(db, fp, item.sealedSecret, at);
      result.regressions.push(fp);
      continue;
    }

    db.prepare(
      `UPDATE findings SET finding_json = ?, updated_at = ? WHERE fingerprint = ?`,
    ).run(merged, at, fp);
    // An unresolved finding is tried again: the resolution rules may have changed since.
    if (existing.state === "unresolved") {
      transition(db, fp, "unresolved", "new", { reason: null, dueAt: at }, at);
    }
    if (item.sealedSecret !== null && !existing.hasSecret) {
      putSecret(db, fp, item.sealedSecret, at);
    }
    result.updated.push(fp);
  }
  return result;
}

/** SQLite has one writer: an IMMEDIATE transaction stands in for `FOR UPDATE SKIP LOCKED`. */
export function claimDue(
  db: Database,
  now: string,
  owner: string,
  leaseUntil: string,
  limit: number,
): FindingRecord[] {
  const rows = db
    .prepare(
      `SELECT fingerprint FROM findings
       WHERE due_at IS NOT NULL AND due_at <= ?
         AND (claimed_until IS NULL OR claimed_until <= ?)
       ORDER BY due_at LIMIT ?`,
    )
    .all(now, now, limit) as { fingerprint: string }[];
  const claim = db.prepare(
    `UPDATE findings SET claimed_by = ?, claimed_until = ? WHERE fingerprint = ?`,
  );
  for (const r of rows) claim.run(owner, leaseUntil, r.fingerprint);
  return rows.map((r) => getFinding(db, r.fingerprint) as FindingRecord);
}
