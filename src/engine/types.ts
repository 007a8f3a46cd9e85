import type { Custody } from "../custody/custody.js";
import type { EvidenceSigner } from "../evidence/signer.js";
import type { Finding } from "../domain/finding.js";
import type { Identity, Resolution, Unresolved } from "../domain/identity.js";
import type { Plan } from "../domain/plan.js";
import type { SecretValue } from "../domain/secret.js";
import type { FindingState } from "../domain/states.js";
import type { ItsmAdapter, ItsmKind } from "../itsm/types.js";
import type { Logger } from "../logging/logger.js";
import type { TicketFieldsRenderer } from "../mapping/types.js";
import type { Store } from "../store/types.js";
import type { PauseSwitch } from "../targets/guard/index.js";
import type { ActionOutcome, TargetAdapter } from "../targets/types.js";

/** What ingest hands the engine; structurally the same as ingest's own record. */
export interface IngestRecord {
  finding: Finding;
  secret: SecretValue | null;
}

export type StepEventName =
  | "finding.ingested"
  | "finding.regression"
  | "identity.resolved"
  | "identity.unresolved"
  | "manual.requested"
  | "manual.closed"
  | "manual.resumed"
  | "plan.created"
  | "ticket.created"
  | "approval.requested"
  | "approval.read"
  | "approval.blocked"
  | "approval.rejected"
  | "approval.canceled"
  | "window.expired"
  | "work.started"
  | "action.executed"
  | "action.failed"
  | "verification.answered"
  | "verification.still_valid"
  | "evidence.attached"
  | "ticket.closed"
  | "ticket.lost"
  | "step.failed";

/** One visible step of the loop, as the demo and `status` show it. Never holds a secret. */
export interface StepEvent {
  name: StepEventName;
  findingFingerprint: string;
  /** The finding's state after the step. */
  state: FindingState;
  ticket?: { itsm: ItsmKind; instance: string; key: string };
  detail: Record<string, unknown>;
  at: string;
}

export interface EnginePolicy {
  /** Approver groups whose approval counts; unset or empty: every group counts. */
  allowedApprovalGroups?: string[];
  /** A ticket closed or deleted by a person before the evidence: flag it, or open a new one. */
  ticketLostPolicy: "flag" | "reopen";
  /** Probe answers `indeterminate` this many times before the finding stops in `still_valid`. */
  maxIndeterminateProbes?: number;
  /** How long a claim on a finding lasts before another replica may take it over. */
  claimLeaseMs?: number;
  /** Findings worked per pass. */
  batchSize?: number;
}

/** Where a finding's tickets go: the instances (the first is the approval source). */
export interface EngineRoute {
  itsm: string[];
  /** The Jira project key for a Jira ticket, overriding the mapping's and the instance's. */
  jiraProject?: string;
}

/** What the engine reports to `/metrics`; `Metrics` (src/http/metrics.ts) has this shape. */
export interface EngineMetrics {
  actionExecuted(target: string, outcome: ActionOutcome): void;
  /** `target` is the target's id; `detectedAt` the ISO time the current cycle was detected. */
  revocationVerified(
    target: string,
    detectedAt: string,
    verifiedAt: Date,
  ): void;
  /** Per ITSM instance id, every configured instance present (0 when none). */
  openTicketsWithoutEvidence(counts: ReadonlyMap<string, number>): void;
}

export interface EngineDeps {
  store: Store;
  itsms: ItsmAdapter[];
  targets: TargetAdapter[];
  resolve: (finding: Finding) => Resolution;
  /** ITSM instance ids the finding goes to (the first is the approval source), or a full route. */
  route: (
    finding: Finding,
    identity: Identity | null,
  ) => string[] | EngineRoute;
  /**
   * Where a finding that resolved to no target gets a manual-remediation ticket, or null: it
   * stays `unresolved`. Absent: every such finding stays `unresolved`.
   */
  routeUnresolved?: (
    finding: Finding,
    unresolved: Unresolved,
  ) => EngineRoute | null;
  renderer: TicketFieldsRenderer;
  planText?: (plan: Plan) => string;
  custody: Custody;
  evidence: EvidenceSigner;
  clock: () => Date;
  logger: Logger;
  onStep?: (event: StepEvent) => void;
  policy: EnginePolicy;
  metrics?: EngineMetrics;
  /**
   * The global stop switch (`closeloop pause`), read before any action is journaled: while it is
   * on, approved findings wait in `executing`, and nothing counts as a failure.
   */
  pause?: PauseSwitch;
}

export interface IngestSummary {
  added: number;
  updated: number;
  regressions: number;
}

export interface PassSummary {
  /** Changed tickets reported per ITSM instance by its one shared query. */
  polled: Record<string, number>;
  processed: number;
  /** Steps that moved a finding to another state. */
  transitions: number;
  errors: number;
  /** Findings put off, not failed: paused, or told by a system when to come back. */
  deferred?: number;
  states: Partial<Record<FindingState, number>>;
}

export interface FindingStatusRow {
  fingerprint: string;
  title: string;
  state: FindingState;
  cycle: number;
  tickets: { itsm: ItsmKind; instance: string; key: string | null }[];
  lastStep: string | null;
  lastStepAt: string | null;
  reason: string | null;
}
