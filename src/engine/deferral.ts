import { isCloseloopError } from "../domain/errors.js";
import type { FindingRecord } from "../store/types.js";
import type { StepContext } from "./context.js";

/** A paused finding is looked at again from the next pass on (the daemon polls every ≥ 1 s). */
export const PAUSE_RECHECK_MS = 1_000;

/** What `status` shows for a finding held by the pause; it names the guard's code too. */
export const PAUSED_REASON =
  "EXECUTION_PAUSED: execution is paused; closeloop resume lifts it";

/**
 * Codes a target answers before it acts: not due yet, paused, circuit open, rate limited. The
 * call did nothing, so the journal counts it as not attempted.
 */
const REFUSED_BEFORE_ACTING = new Set([
  "ACTION_NOT_DUE",
  "EXECUTION_PAUSED",
  "CIRCUIT_OPEN",
  "RATE_LIMITED",
]);

/** "Not now, come back then": a wait the remote side set, not a failure to back off from. */
export interface Deferral {
  code: string;
  message: string;
  delayMs: number;
  /** The system refused before acting: nothing happened. */
  refused: boolean;
  paused: boolean;
}

/**
 * A retryable error that says when to come back (`retryAfterMs`: ACTION_NOT_DUE, CIRCUIT_OPEN,
 * RATE_LIMITED, a hibernating ServiceNow), or the pause; null for anything else.
 */
export function deferralOf(error: unknown): Deferral | null {
  if (!isCloseloopError(error) || !error.retryable) return null;
  const paused = error.code === "EXECUTION_PAUSED";
  const delayMs = paused ? PAUSE_RECHECK_MS : error.retryAfterMs;
  if (delayMs === undefined) return null;
  return {
    code: error.code,
    message: error.message,
    delayMs: Math.max(0, delayMs),
    refused: REFUSED_BEFORE_ACTING.has(error.code),
    paused,
  };
}

/** What `status` shows for a deferred finding. */
export function deferralReason(
  what: string,
  deferral: Deferral,
  until: string,
): string {
  if (deferral.paused) return PAUSED_REASON;
  return `${what} deferred: ${deferral.code} until ${until}`;
}

/**
 * A step that threw a deferral (rate limited, hibernating, paused): the finding is due when the
 * system said, its attempts untouched. Not a failure, so no exponential backoff. False for any
 * other error.
 */
export async function deferStep(
  ctx: StepContext,
  record: FindingRecord,
  error: unknown,
): Promise<boolean> {
  const deferral = deferralOf(error);
  if (deferral === null) return false;
  const dueAt = ctx.later(deferral.delayMs);
  await ctx.deps.store.updateFinding(
    record.fingerprint,
    { dueAt, reason: deferralReason(record.state, deferral, dueAt) },
    ctx.now(),
  );
  ctx.deps.logger.info("step.deferred", {
    findingId: record.fingerprint,
    state: record.state,
    code: deferral.code,
    dueAt,
  });
  return true;
}
