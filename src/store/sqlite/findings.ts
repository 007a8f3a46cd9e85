import type { Database } from "better-sqlite3";
import type { FindingState } from "../../domain/states.js";
import { isEndState } from "../../domain/states.js";
import { StateConflictError } from "../errors.js";
import { cachedStatement } from "./database.js";
import type {
  FindingPatch,
  FindingRecord,
  TransitionRecord,
} from "../types.js";
import { FINDING_COLUMNS, type FindingRow, toFindingRecord } from "./rows.js";

export function getFinding(db: Database, fp: string): FindingRecord | null {
  const row = cachedStatement(
    db,
    `SELECT ${FINDING_COLUMNS} FROM findings f WHERE fingerprint = ?`,
  ).get(fp) as FindingRow | undefined;
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
