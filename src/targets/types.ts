import type { Finding } from "../domain/finding.js";
import type { Identity, TargetKind } from "../domain/identity.js";
import type { Plan, PlannedAction } from "../domain/plan.js";
import type { SecretValue } from "../domain/secret.js";
import type { Logger } from "../logging/logger.js";

export interface TargetContext {
  finding: Finding;
  identity: Identity;
  /**
   * The leaked value, opened from custody for a probe, or for an action its plan marks
   * `usesLeakedSecret`; null for every other action and when none was kept.
   */
  secret: SecretValue | null;
  logger: Logger;
  signal?: AbortSignal;
  /**
   * The approved change the action runs under (the approval-source ticket), for a target that
   * records it remotely (a secret-scanning alert resolved "under change CHG0030042").
   */
  changeRef?: { itsm: string; key: string; url?: string };
}

export type ActionOutcome = "done" | "already_done" | "failed";

export interface ActionResult {
  actionId: string;
  outcome: ActionOutcome;
  /** A closer label for the evidence, e.g. `ROLE_DISABLED_NOT_DROPPED`, `ALREADY_REVOKED`. */
  resultCode: string;
  /** What was sent, in words, with no secret: `ALTER ROLE "svc_x" NOLOGIN`. */
  requestSummary: string;
  /** Ids the target returned (request ids, backend pids, key ids). */
  responseIds: string[];
  startedAt: string;
  finishedAt: string;
  detail: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Only `invalid` counts as proof that the credential or privilege is gone. */
export type ProbeAnswer = "invalid" | "valid" | "indeterminate";

export interface ProbeCheck {
  name: string;
  answer: ProbeAnswer;
  /** What was observed, in words or a code (`SQLSTATE 28P01`), never a secret. */
  observed: string;
  at: string;
}

export interface ProbeResult {
  answer: ProbeAnswer;
  checks: ProbeCheck[];
  attempts: number;
  startedAt: string;
  finishedAt: string;
  /**
   * Anything the evidence should say beside the answer
   * (e.g. "login blocked; password still authenticates").
   */
  note?: string;
}

/**
 * A target system: plan, execute, verify, undo where possible. Credentials come from config only.
 */
export interface TargetAdapter {
  readonly kind: TargetKind;
  readonly id: string;
  /**
   * What this target acts on, as configured now: postgres `host:port/database`, an instance or
   * API URL, an AWS account and region; never a credential. The plan records it and the gate
   * refuses to run a plan made for another one.
   */
  endpoint(): Promise<string>;
  /** The concrete actions for this identity; pure, no I/O. */
  plan(identity: Identity, finding: Finding): PlannedAction[];
  /**
   * The plan with what only the target can tell (the grants a role holds now, read from its
   * catalog), so the approved plan names them exactly. Where present, the engine plans with it.
   */
  planLive?(identity: Identity, finding: Finding): Promise<PlannedAction[]>;
  /** Carries out one approved action. Idempotent: a repeat answers `already_done`. */
  execute(action: PlannedAction, ctx: TargetContext): Promise<ActionResult>;
  /** Probes the target, retrying to a deadline, and answers whether the credential is gone. */
  verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult>;
  undo?(action: PlannedAction, ctx: TargetContext): Promise<ActionResult>;
}
