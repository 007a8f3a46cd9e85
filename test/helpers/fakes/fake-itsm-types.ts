import type {
  ApprovalReading,
  ApproverRecord,
  AttachmentRef,
  CloseOutcome,
  ItsmKind,
  TicketDraft,
  TicketLifecycle,
  TicketLink,
  TicketRef,
} from "../../../src/itsm/types.js";

/** A ticket of the fake ITSM, with everything a test may look at or tamper with. */
export interface FakeTicket {
  ref: TicketRef;
  draft: TicketDraft;
  approvalStatus: ApprovalReading["status"];
  approvers: ApproverRecord[];
  window: { start?: string; end?: string };
  /** The plan hash as written in the ticket; a test may tamper with it. */
  planHash: string | null;
  lifecycle: TicketLifecycle;
  inImplementation: boolean;
  /** Approved, but not yet in a state work may start from (a change still in Assess). */
  notReady?: boolean;
  /** ServiceNow's `on_hold`. */
  onHold?: boolean;
  notes: string[];
  attachments: (AttachmentRef & { bytes: Buffer })[];
  closedWith: CloseOutcome | null;
  /** Change sequence number: what `listChangedSince` compares the cursor with. */
  changedSeq: number;
  /** Who made the latest change: closeloop's own user or a person. */
  updatedBy: string;
  links: TicketLink[];
}

/** Who a person's change is attributed to in the change feed. */
export const A_PERSON = "a-person";

export interface FakeItsmOptions {
  kind?: ItsmKind;
  instance?: string;
  ownUserId?: string;
  /** Who the ticket says asked for the change; closeloop's own user by default. */
  requestedBy?: string;
  /** `findByCorrelation` misses this many times before it sees a ticket (search-index lag). */
  lookupLag?: number;
  /** Attachments answer `ready: false` this many listings first (ServiceNow `pending`). */
  attachmentPendingReads?: number;
}
