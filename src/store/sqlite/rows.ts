import type { SealedSecret } from "../../custody/types.js";
import type { Identity } from "../../domain/identity.js";
import type { Plan } from "../../domain/plan.js";
import type { FindingState } from "../../domain/states.js";
import type { ApprovalReading, ItsmKind, TicketRef } from "../../itsm/types.js";
import type {
  EvidenceRecord,
  FindingRecord,
  IntentRecord,
  IntentStatus,
  TicketLifecycleState,
  TicketRecord,
} from "../types.js";
import { findingOfColumns } from "./finding-columns.js";

/** Rows as SQLite returns them; the JSON columns are closeloop's own writes. */
export interface FindingRow {
  fingerprint: string;
  finding_json: string;
  locations_br: Buffer | null;
  state: string;
  cycle: number;
  reason: string | null;
  identity_json: string | null;
  plan_json: string | null;
  approval_json: string | null;
  regression_of_json: string;
  last_step: string | null;
  last_step_at: string | null;
  due_at: string | null;
  attempts: number;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  has_secret: number;
}

export const FINDING_COLUMNS = `f.*, EXISTS (SELECT 1 FROM secrets s
  WHERE s.fingerprint = f.fingerprint) AS has_secret`;

function parseOrNull<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function toFindingRecord(row: FindingRow): FindingRecord {
  return {
    fingerprint: row.fingerprint,
    finding: findingOfColumns(
      row.fingerprint,
      row.finding_json,
      row.locations_br,
    ),
    state: row.state as FindingState,
    cycle: row.cycle,
    reason: row.reason,
    identity: parseOrNull<Identity>(row.identity_json),
    plan: parseOrNull<Plan>(row.plan_json),
    approval: parseOrNull<ApprovalReading>(row.approval_json),
    regressionOf: JSON.parse(row.regression_of_json) as TicketRef[],
    lastStep: row.last_step,
    lastStepAt: row.last_step_at,
    dueAt: row.due_at,
    attempts: row.attempts,
    hasSecret: row.has_secret === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface TicketRow {
  fingerprint: string;
  cycle: number;
  instance: string;
  itsm: string;
  correlation_id: string;
  approval_source: number;
  ticket_id: string | null;
  ticket_key: string | null;
  url: string | null;
  lifecycle: string;
  created_at: string;
  updated_at: string;
}

export function toTicketRecord(row: TicketRow): TicketRecord {
  const itsm = row.itsm as ItsmKind;
  let ref: TicketRef | null = null;
  if (row.ticket_id !== null) {
    ref = {
      itsm,
      instance: row.instance,
      id: row.ticket_id,
      key: row.ticket_key ?? row.ticket_id,
    };
    if (row.url !== null) ref.url = row.url;
  }
  return {
    fingerprint: row.fingerprint,
    cycle: row.cycle,
    instance: row.instance,
    itsm,
    correlationId: row.correlation_id,
    approvalSource: row.approval_source === 1,
    ref,
    lifecycle: row.lifecycle as TicketLifecycleState,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface IntentRow {
  key: string;
  fingerprint: string;
  cycle: number;
  kind: string;
  status: string;
  attempts: number;
  input_json: string;
  output_json: string | null;
  started_at: string;
  finished_at: string | null;
}

export function toIntentRecord(row: IntentRow): IntentRecord {
  return {
    key: row.key,
    fingerprint: row.fingerprint,
    cycle: row.cycle,
    kind: row.kind,
    status: row.status as IntentStatus,
    attempts: row.attempts,
    input: JSON.parse(row.input_json) as Record<string, unknown>,
    output: parseOrNull<Record<string, unknown>>(row.output_json),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

export interface SecretRow {
  fingerprint: string;
  key_id: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

export function toSealed(row: SecretRow): SealedSecret {
  return {
    keyId: row.key_id,
    iv: row.iv,
    tag: row.tag,
    ciphertext: row.ciphertext,
  };
}

export interface EvidenceRow {
  seq: number;
  fingerprint: string;
  cycle: number;
  file_name: string;
  sha256: string;
  prev_sha256: string | null;
  bytes: Buffer;
  summary: string;
  created_at: string;
}

export function toEvidenceRecord(row: EvidenceRow): EvidenceRecord {
  return {
    seq: row.seq,
    fingerprint: row.fingerprint,
    cycle: row.cycle,
    fileName: row.file_name,
    sha256: row.sha256,
    prevSha256: row.prev_sha256,
    bytes: row.bytes,
    summary: row.summary,
    createdAt: row.created_at,
  };
}
