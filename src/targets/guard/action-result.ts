import { CloseloopError } from "../../domain/errors.js";
import type { ActionParam, PlannedAction } from "../../domain/plan.js";
import type { ActionOutcome, ActionResult } from "../types.js";

export interface ActionReport {
  outcome: ActionOutcome;
  resultCode: string;
  requestSummary: string;
  responseIds?: string[];
  detail?: Record<string, unknown>;
  error?: { code: string; message: string };
}

/** Times one action and shapes its result; every target adapter reports through this. */
export function startAction(
  action: PlannedAction,
  now: () => Date,
): (report: ActionReport) => ActionResult {
  const startedAt = now().toISOString();
  return (report) => {
    const result: ActionResult = {
      actionId: action.id,
      outcome: report.outcome,
      resultCode: report.resultCode,
      requestSummary: report.requestSummary,
      responseIds: report.responseIds ?? [],
      startedAt,
      finishedAt: now().toISOString(),
      detail: report.detail ?? {},
    };
    if (report.error !== undefined) result.error = report.error;
    return result;
  };
}

/** A string parameter the plan must carry; its absence is a plan built by someone else. */
export function stringParam(action: PlannedAction, name: string): string {
  const value: ActionParam | undefined = action.params[name];
  if (typeof value !== "string" || value === "") {
    throw new CloseloopError(
      "PLAN_PARAM_MISSING",
      `action ${action.id} (${action.kind}) has no ${name} parameter`,
      { details: { actionId: action.id, kind: action.kind, param: name } },
    );
  }
  return value;
}

/**
 * Refuses an action before its `notBefore` time (a delete after a grace period): retryable, so
 * the engine comes back when it is due instead of failing the change.
 */
export function assertDue(action: PlannedAction, now: () => Date): void {
  const notBefore = action.params.notBefore;
  if (typeof notBefore !== "string") return;

  const waitMs = Date.parse(notBefore) - now().getTime();
  if (Number.isNaN(waitMs) || waitMs <= 0) return;
  throw new CloseloopError(
    "ACTION_NOT_DUE",
    `action ${action.id} may not run before ${notBefore}`,
    {
      retryable: true,
      retryAfterMs: waitMs,
      details: { actionId: action.id, notBefore },
    },
  );
}

export function unknownAction(action: PlannedAction): CloseloopError {
  return new CloseloopError(
    "ACTION_UNKNOWN",
    `this target does not know action kind ${action.kind}`,
    { details: { actionId: action.id, kind: action.kind } },
  );
}
