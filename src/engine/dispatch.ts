import { assertNever, isCloseloopError, messageOf } from "../domain/errors.js";
import type { FindingRecord } from "../store/types.js";
import type { StepContext, StepOutcome } from "./context.js";
import { awaitingStep } from "./steps/approval-step.js";
import { closeStep } from "./steps/close-step.js";
import { executeStep } from "./steps/execute-step.js";
import { manualClosedStep, manualStep } from "./steps/manual-step.js";
import { planStep } from "./steps/plan-step.js";
import { plannedStep, ticketingStep } from "./steps/ticket-step.js";
import { verifyStep } from "./steps/verify-step.js";

/** Retry delay after a failed step: 5 s doubling to 1 h, never below what the remote asked. */
export function backoffMs(
  attempts: number,
  retryAfterMs: number | undefined,
): number {
  const exp = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
  return Math.max(exp, retryAfterMs ?? 0);
}

export function errorFields(error: unknown): Record<string, unknown> {
  if (isCloseloopError(error)) {
    return {
      code: error.code,
      retryable: error.retryable,
      message: error.message,
    };
  }
  return {
    code: "UNEXPECTED",
    message: messageOf(error),
  };
}

/** The one step a finding in this state takes next. */
export function step(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  switch (record.state) {
    case "new":
    case "regression":
      return planStep(ctx, record);
    case "planned":
      return plannedStep(ctx, record);
    case "ticketing":
      return ticketingStep(ctx, record);
    case "awaiting_approval":
      return awaitingStep(ctx, record);
    case "executing":
      return executeStep(ctx, record);
    case "verifying":
      return verifyStep(ctx, record);
    case "evidence":
      return closeStep(ctx, record);
    case "manual":
      return manualStep(ctx, record);
    case "manual_closed":
      return manualClosedStep(ctx, record);
    case "unresolved":
    case "closed":
    case "rejected":
    case "canceled":
    case "window_expired":
    case "action_failed":
    case "still_valid":
    case "ticket_lost":
      return Promise.resolve({ kind: "wait", dueAt: null });
    default:
      return assertNever(record.state, "finding state");
  }
}
