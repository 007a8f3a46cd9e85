import type { SealedSecret } from "../custody/types.js";
import type { Finding } from "../domain/finding.js";
import type { Sightings, StagedLocations } from "../domain/sightings.js";
import type { Identity } from "../domain/identity.js";
import type { Plan } from "../domain/plan.js";
import type { FindingState } from "../domain/states.js";
import type { ApprovalReading, ItsmKind, TicketRef } from "../itsm/types.js";

/**
 * The engine's only memory. Every method is async so a PostgreSQL store can follow the SQLite one
 * (PRODUCT §9): `claimDue` maps to `FOR UPDATE SKIP LOCKED`, the rest to plain transactions.
 * Times are UTC ISO-8601 strings passed in by the caller (the engine's injected clock).
 */
export interface FindingRecord {
  fingerprint: string;
  finding: Finding;
  state: FindingState;
  /** 1 for the first loop; +1 each time the finding comes back after closure (a regression). */
  cycle: number;
  /** Why the finding sits where it is (unresolved, blocked at the gate, failed), for `status`. */
  reason: string | null;
  identity: Identity | null;
  plan: Plan | null;
  /** The approval as read at the gate that let the actions run; it goes into the evidence. */
  approval: ApprovalReading | null;
  /** Tickets of the closed cycle this regression reopens the question of. */
  regressionOf: TicketRef[];
  lastStep: string | null;
  lastStepAt: string | null;
  /** When the engine should look at it again; null: only when one of its tickets changes. */
  dueAt: string | null;
  /** Consecutive failed attempts of the current step, for backoff. */
  attempts: number;
  hasSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

export type FindingPatch = Partial<
  Pick<
    FindingRecord,
    | "reason"
    | "identity"
    | "plan"
    | "approval"
    | "lastStep"
    | "dueAt"
    | "attempts"
  >
>;

export interface FindingUpsert {
  finding: Finding;
  /** Already sealed by custody: the store never sees a clear secret. */
  sealedSecret: SealedSecret | null;
}

/** A partial finding of a staged merge, its secret already sealed. */
export interface StagedUpsert {
  sightings: Sightings;
  sealedSecret: SealedSecret | null;
}

export interface UpsertResult {
  added: string[];
  updated: string[];
  /** Closed findings seen again at a new place or time: a new cycle linked to the old tickets. */
  regressions: string[];
}

/**
 * A merge too large for one `upsertFindings` call (a report of any size): partial findings are
 * staged outside the store, then merged by fingerprint and upserted in one transaction at
 * `commit`. Until then the store holds nothing of them; `discard` drops them.
 */
export interface FindingStage {
  /**
   * Partial findings; a fingerprint may come again in a later batch. `last`: none follows (the
   * first batch being the last, it is upserted as it is, without staging).
   */
  add(items: StagedUpsert[], last: boolean): Promise<void>;
  /** More locations of findings that a later `add` brings (see Sightings.drainLocations). */
  addLocations(rows: StagedLocations[]): Promise<void>;
  /** `findings`: how many distinct fingerprints were staged. */
  commit(at: string): Promise<UpsertResult & { findings: number }>;
  discard(): Promise<void>;
}

export type TicketLifecycleState = "pending" | "open" | "closed" | "lost";

/** One ticket of one finding's cycle on one ITSM instance: the unit of "at most one ticket". */
export interface TicketRecord {
  fingerprint: string;
  cycle: number;
  instance: string;
  itsm: ItsmKind;
  correlationId: string;
  /** The instance whose approval gates the actions (the first routed one by default). */
  approvalSource: boolean;
  /** Null until the ITSM answered the create (or the lookup found it). */
  ref: TicketRef | null;
  lifecycle: TicketLifecycleState;
  createdAt: string;
  updatedAt: string;
}

/**
 * `deferred`: the target refused before acting (not due yet, paused, circuit open, rate limited),
 * so the call counts as not attempted and is begun again when due.
 */
export type IntentStatus = "pending" | "done" | "failed" | "deferred";

/**
 * The intent/outcome journal: every external call with a side effect is begun here before it is
 * made and completed after it returns. A `pending` intent found later means a crash mid-call.
 */
export interface IntentRecord {
  key: string;
  fingerprint: string;
  cycle: number;
  kind: string;
  status: IntentStatus;
  /** How many times the call was begun: more than one means a retry after a crash or failure. */
  attempts: number;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface NewIntent {
  key: string;
  fingerprint: string;
  cycle: number;
  kind: string;
  input: Record<string, unknown>;
}

export interface TransitionRecord {
  fingerprint: string;
  cycle: number;
  from: FindingState;
  to: FindingState;
  step: string;
  at: string;
}

export interface NewEvidence {
  fileName: string;
  sha256: string;
  bytes: Buffer;
  summary: string;
}

export interface EvidenceRecord extends NewEvidence {
  seq: number;
  fingerprint: string;
  cycle: number;
  prevSha256: string | null;
  createdAt: string;
}

export interface Store {
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Merges by fingerprint (locations, sources and tags unioned) in one transaction. */
  upsertFindings(items: FindingUpsert[], at: string): Promise<UpsertResult>;
  /** Starts a staged merge (see FindingStage) for findings that need not fit in memory. */
  stageFindings(): Promise<FindingStage>;
  getFinding(fingerprint: string): Promise<FindingRecord | null>;
  listFindings(): Promise<FindingRecord[]>;
  /** Moves a finding and records the transition; fails if it is not in `from`. */
  transition(
    fingerprint: string,
    from: FindingState,
    to: FindingState,
    patch: FindingPatch,
    at: string,
  ): Promise<FindingRecord>;
  /**
   * Starts the next cycle of a finding (a lost ticket reopened): cycle + 1, the approval cleared,
   * the identity and plan kept, `regressionOf` set to the old cycle's tickets.
   */
  newCycle(
    fingerprint: string,
    from: FindingState,
    to: FindingState,
    at: string,
  ): Promise<FindingRecord>;
  updateFinding(
    fingerprint: string,
    patch: FindingPatch,
    at: string,
  ): Promise<void>;
  listTransitions(fingerprint: string): Promise<TransitionRecord[]>;

  /** Findings due at `now` that no live claim holds, claimed for `owner` until now + leaseMs. */
  claimDue(
    now: string,
    owner: string,
    leaseMs: number,
    limit: number,
  ): Promise<FindingRecord[]>;
  releaseClaim(fingerprint: string, owner: string): Promise<void>;

  saveTicket(ticket: TicketRecord): Promise<void>;
  listTickets(fingerprint: string, cycle?: number): Promise<TicketRecord[]>;
  /** Marks the findings of these changed tickets due and stores the cursor, in one transaction. */
  recordTicketChanges(
    instance: string,
    ticketIds: string[],
    cursor: string,
    now: string,
  ): Promise<number>;
  getCursor(instance: string): Promise<string | null>;

  /** Begins (or begins again) an intent; returns it with its attempts counted. */
  beginIntent(intent: NewIntent, at: string): Promise<IntentRecord>;
  completeIntent(
    key: string,
    status: "done" | "failed",
    output: Record<string, unknown>,
    at: string,
  ): Promise<void>;
  /**
   * Marks a begun intent `deferred`: the target refused before it acted, so the begin does not
   * count as an attempt (`output` says why and until when).
   */
  deferIntent(
    key: string,
    output: Record<string, unknown>,
    at: string,
  ): Promise<void>;
  getIntent(key: string): Promise<IntentRecord | null>;
  listIntents(fingerprint: string, cycle: number): Promise<IntentRecord[]>;

  putSecret(fingerprint: string, sealed: SealedSecret): Promise<void>;
  getSecret(fingerprint: string): Promise<SealedSecret | null>;
  /** Overwrites the sealed bytes, then deletes the row. */
  shredSecret(fingerprint: string): Promise<void>;
  listSecrets(): Promise<{ fingerprint: string; sealed: SealedSecret }[]>;

  /**
   * Appends the evidence of one cycle to the chain; `build` gets the SHA-256 of the previous
   * document inside the transaction. Idempotent: an existing document of the cycle is returned.
   */
  appendEvidence(
    fingerprint: string,
    cycle: number,
    build: (prevSha256: string | null) => NewEvidence,
    at: string,
  ): Promise<EvidenceRecord>;
  getEvidence(
    fingerprint: string,
    cycle: number,
  ): Promise<EvidenceRecord | null>;
  /** Evidence created in [from, to), oldest first. */
  listEvidence(range: {
    from?: string;
    to?: string;
  }): Promise<EvidenceRecord[]>;
}
