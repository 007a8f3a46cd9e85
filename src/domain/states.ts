import { assertNever } from "./errors.js";

/**
 * The states of a finding in the loop (PRODUCT §1). The happy path runs
 * new → planned → ticketing → awaiting_approval → executing → verifying → evidence → closed;
 * `regression` starts a new cycle like `new`, linked to the tickets of the closed one.
 * `manual`: resolved to no target, routed to a manual-remediation ticket that a person works;
 * closeloop plans and runs nothing for it. `manual_closed`: a person closed that ticket, which
 * proves nothing (never `closed`, never verified).
 */
export type FindingState =
  | "new"
  | "regression"
  | "unresolved"
  | "manual"
  | "manual_closed"
  | "planned"
  | "ticketing"
  | "awaiting_approval"
  | "executing"
  | "verifying"
  | "evidence"
  | "closed"
  | "rejected"
  | "canceled"
  | "window_expired"
  | "action_failed"
  | "still_valid"
  | "ticket_lost";

export const FINDING_STATES: readonly FindingState[] = [
  "new",
  "regression",
  "unresolved",
  "manual",
  "manual_closed",
  "planned",
  "ticketing",
  "awaiting_approval",
  "executing",
  "verifying",
  "evidence",
  "closed",
  "rejected",
  "canceled",
  "window_expired",
  "action_failed",
  "still_valid",
  "ticket_lost",
];

/** True where the engine does no more work on its own; a person (or a new sighting) moves it on. */
export function isEndState(state: FindingState): boolean {
  switch (state) {
    case "new":
    case "regression":
    case "manual":
    case "planned":
    case "ticketing":
    case "awaiting_approval":
    case "executing":
    case "verifying":
    case "evidence":
      return false;
    case "unresolved":
    case "manual_closed":
    case "closed":
    case "rejected":
    case "canceled":
    case "window_expired":
    case "action_failed":
    case "still_valid":
    case "ticket_lost":
      return true;
    default:
      return assertNever(state, "finding state");
  }
}

/** States in which a ticket of the current cycle may exist and be watched for changes. */
export function hasOpenTicket(state: FindingState): boolean {
  switch (state) {
    case "ticketing":
    case "awaiting_approval":
    case "executing":
    case "verifying":
    case "evidence":
    case "still_valid":
    case "action_failed":
    case "manual":
      return true;
    case "new":
    case "regression":
    case "unresolved":
    case "manual_closed":
    case "planned":
    case "closed":
    case "rejected":
    case "canceled":
    case "window_expired":
    case "ticket_lost":
      return false;
    default:
      return assertNever(state, "finding state");
  }
}

export function isFindingState(value: string): value is FindingState {
  return (FINDING_STATES as readonly string[]).includes(value);
}
