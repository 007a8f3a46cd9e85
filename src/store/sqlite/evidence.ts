import type { Database } from "better-sqlite3";
import type { EvidenceRecord, NewEvidence } from "../types.js";
import { type EvidenceRow, toEvidenceRecord } from "./rows.js";

export function getEvidence(
  db: Database,
  fp: string,
  cycle: number,
): EvidenceRecord | null {
  const row = db
    .prepare(`SELECT * FROM evidence WHERE fingerprint = ? AND cycle = ?`)
    .get(fp, cycle) as EvidenceRow | undefined;
  return row === undefined ? null : toEvidenceRecord(row);
}

/** Runs inside the caller's IMMEDIATE transaction, so two appends cannot share a predecessor. */
export function appendEvidence(
  db: Database,
  fp: string,
  cycle: number,
  build: (prevSha256: string | null) => NewEvidence,
  at: string,
): EvidenceRecord {
  const existing = getEvidence(db, fp, cycle);
  if (existing !== null) return existing;

  const last = db
    .prepare(`SELECT sha256 FROM evidence ORDER BY seq DESC LIMIT 1`)
    .get() as { sha256: string } | undefined;
  const doc = build(last?.sha256 ?? null);
  db.prepare(
    `INSERT INTO evidence (fingerprint, cycle, file_name, sha256, prev_sha256, bytes,
       summary, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    fp,
    cycle,
    doc.fileName,
    doc.sha256,
    last?.sha256 ?? null,
    doc.bytes,
    doc.summary,
    at,
  );
  return getEvidence(db, fp, cycle) as EvidenceRecord;
}

export function listEvidence(
  db: Database,
  range: { from?: string; to?: string },
): EvidenceRecord[] {
  const rows = db
    .prepare(
      `SELECT * FROM evidence WHERE created_at >= ? AND created_at < ? ORDER BY seq`,
    )
    .all(range.from ?? "", range.to ?? "\uffff") as EvidenceRow[];
  return rows.map(toEvidenceRecord);
}
