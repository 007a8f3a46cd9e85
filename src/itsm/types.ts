import type { Plan } from "../domain/plan.js";

export type ItsmKind = "servicenow" | "jira";

/** A ticket as closeloop stores it: the immutable id is the identity, the key is for people. */
export interface TicketRef {
  itsm: ItsmKind;
  /** The configured instance id, e.g. `snow-prod`. */
  instance: string;
  /** ServiceNow sys_id, Jira numeric issue id: never changes. */
  id: string;
  /** CHG0030001, SEC-12: may change (a moved Jira issue). */
  key: string;
  url?: string;
}

/** What the engine hands an adapter to open a ticket; fields come from the mapping templates. */
export interface TicketDraft {
  findingFingerprint: string;
  /** The idempotency marker stored on the ticket (`correlation_id`, a label, an issue property). */
  correlationId: string;
  /** Rendered mapping fields, by the ITSM's own field names. */
  fields: Record<string, unknown>;
  /** Null for a manual-remediation ticket: a person does the work, closeloop plans nothing. */
  plan: Plan | null;
  /** The plan as a change manager reads it, ending with the plan hash; empty without a plan. */
  planText: string;
}

export type ApprovalStatus =
  "not_requested" | "requested" | "approved" | "rejected" | "canceled";

export interface ApproverRecord {
  /** The approver's immutable id (sys_id, accountId). */
  userId: string;
  userName?: string;
  /** The group the approval came through, where the ITSM says. */
  group?: string;
  state:
    | "requested"
    | "approved"
    | "rejected"
    | "not_required"
    | "canceled"
    | "other";
  /** UTC ISO-8601 time of the decision, where known. */
  decidedAt?: string;
  /** The record that holds this approval (a sysapproval_approver sys_id, a JSM approval id). */
  recordId: string;
}

/** The approval exactly as read back from the ITSM, right now. closeloop never writes one. */
export interface ApprovalReading {
  status: ApprovalStatus;
  /** The ticket's raw state value (`-2`, `Scheduled` id), never a label. */
  ticketState: string;
  /** True once the ticket is in the state where work is being done (ServiceNow Implement). */
  inImplementation: boolean;
  /**
   * True when the ticket's state lets approved work start: ServiceNow Scheduled or Implement
   * (reference/servicenow.md §8), Jira an approved JSM decision or a configured approval status.
   */
  readyForWork: boolean;
  /** ServiceNow's `on_hold`: nothing runs while it is set. Jira has no such flag: false. */
  onHold: boolean;
  approvers: ApproverRecord[];
  /** Who asked for the change: closeloop's own user, normally. */
  requestedBy?: string;
  /** The change window in UTC ISO-8601, where set. */
  window: { start?: string; end?: string };
  /** The plan hash written in the ticket, as read back now; null when it cannot be found. */
  planHash: string | null;
  readAt: string;
  /**
   * The ticket's own status as the same read showed it, where the ITSM answers with it (Jira):
   * a moved issue's new key (BR-16), a ticket a person closed while it waited.
   */
  ticketStatus?: TicketStatus;
}

export type TicketLifecycle = "open" | "closed" | "canceled" | "deleted";

export interface TicketStatus {
  lifecycle: TicketLifecycle;
  /** Raw state or status id. */
  rawState: string;
  /** The key as the ITSM has it now (a moved issue answers with its new key). */
  key: string;
}

export interface EvidenceFile {
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface AttachmentRef {
  id: string;
  fileName: string;
  sizeBytes: number;
  /** SHA-256 hex as the ITSM reports it, or as closeloop computed it when read back. */
  sha256: string;
  /** False while ServiceNow still says `pending`. */
  ready: boolean;
}

export interface CloseOutcome {
  successful: boolean;
  notes: string;
  /**
   * The raw state the ticket was seen in during this pass (a `finishWork` answer or a status
   * read), so the adapter can skip a state step the ticket has already taken.
   */
  ticketState?: string;
}

/** A ticket of closeloop's that changed since a poll cursor, and who changed it last. */
export interface TicketChange {
  id: string;
  /** Who made the latest update, in the ITSM's terms (user_name, accountId); absent: unknown. */
  updatedBy?: string;
  /** UTC ISO-8601 time of the latest update, where known. */
  updatedAt?: string;
  /**
   * True only when the adapter knows the latest update is closeloop's own user's (its own echo);
   * unknown counts as someone else's.
   */
  byOwnUser?: boolean;
  /** Changes with every update (`sys_mod_count`, Jira's `updated`): the same version, no news. */
  version?: string;
}

/** A link from a ticket to a record elsewhere (the ServiceNow change a Jira task follows). */
export interface TicketLink {
  url: string;
  title: string;
}

/**
 * One ITSM instance. Every write is idempotent or guarded by a lookup; every read is raw values.
 */
export interface ItsmAdapter {
  readonly kind: ItsmKind;
  readonly instance: string;
  /** The ITSM user closeloop acts as: its approvals never count. */
  readonly ownUserId: () => Promise<string>;
  findByCorrelation(correlationId: string): Promise<TicketRef | null>;
  /**
   * Opens the ticket. The caller has just looked the correlation id up and found nothing (the
   * engine's journaled lookup); after an ambiguous failure the adapter looks again itself.
   */
  create(draft: TicketDraft): Promise<TicketRef>;
  requestApproval(ref: TicketRef): Promise<void>;
  readApproval(ref: TicketRef): Promise<ApprovalReading>;
  startWork(ref: TicketRef): Promise<void>;
  addNote(ref: TicketRef, text: string): Promise<void>;
  /**
   * The work is done and verified: the note goes on the ticket, on the same write as the move to
   * the step after implementation where the ITSM has one (ServiceNow Review). Answers the status
   * that write found the ticket in, or null when the write does not show it.
   */
  finishWork(ref: TicketRef, note: string): Promise<TicketStatus | null>;
  /** Uploads the file and checks the upload's answer; `ready` false while the ITSM says pending. */
  attach(ref: TicketRef, file: EvidenceFile): Promise<AttachmentRef>;
  listAttachments(ref: TicketRef): Promise<AttachmentRef[]>;
  /**
   * The attachment an upload answered with, read back from the ticket now with its size and
   * SHA-256 as the ITSM holds them; null when it is no longer there.
   */
  readBack(
    ref: TicketRef,
    attached: AttachmentRef,
  ): Promise<AttachmentRef | null>;
  close(ref: TicketRef, outcome: CloseOutcome): Promise<void>;
  readStatus(ref: TicketRef): Promise<TicketStatus>;
  /**
   * Every ticket of closeloop's changed since the cursor, in one query per instance (polling shared
   * across findings). Returns the ids, the same tickets with their last updater where the ITSM
   * says (`changes`), and a new cursor.
   */
  listChangedSince(
    cursor: string | null,
  ): Promise<{ ids: string[]; changes?: TicketChange[]; cursor: string }>;
  /** Links the ticket to a record elsewhere, at most once per URL; where the ITSM has links. */
  linkTo?(ref: TicketRef, target: TicketLink): Promise<void>;
}
