import { isCloseloopError } from "../../domain/errors.js";
import { makePlan, type PlannedAction } from "../../domain/plan.js";
import type { FindingRecord } from "../../store/types.js";
import type { StepContext, StepOutcome } from "../context.js";
import { toUnresolved } from "./manual-step.js";

/**
 * new / regression → planned (identity resolved, plan hashed), or unresolved with the reason
 * (`manual` where `routing.unresolved` sends it to a manual-remediation ticket).
 */
export async function planStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const held = holdIfNotOpen(ctx, record);
  if (held !== null) return held;
  const resolution = ctx.deps.resolve(record.finding);
  if (!resolution.ok) return toUnresolved(ctx, record, resolution.unresolved);

  const { identity } = resolution;
  const target = ctx.target(identity.targetId);
  const owned = identity.owner === undefined ? {} : { owner: identity.owner };
  if (target === undefined) {
    const reason = `no target adapter is configured for ${identity.targetId}`;
    return toUnresolved(ctx, record, { reason, ...owned });
  }
  ctx.emit("identity.resolved", record, {
    targetId: identity.targetId,
    targetKind: identity.targetKind,
    principal: identity.principal,
  });

  let actions: PlannedAction[];
  let targetEndpoint: string;
  try {
    actions =
      target.planLive === undefined
        ? target.plan(identity, record.finding)
        : await target.planLive(identity, record.finding);
    targetEndpoint = await target.endpoint();
  } catch (error) {
    // A target that refuses to plan (the key is another user's or account's) leaves the finding
    // unresolved with its reason, visible in status; a transient failure is retried.
    if (!isCloseloopError(error) || error.retryable) throw error;
    const reason = `${error.code}: ${error.message}`;
    return toUnresolved(ctx, record, { reason, ...owned });
  }
  const plan = makePlan({
    findingFingerprint: record.fingerprint,
    targetId: identity.targetId,
    targetKind: identity.targetKind,
    targetEndpoint,
    principal: identity.principal,
    actions,
  });
  const moved = await ctx.move(record, "planned", {
    identity,
    plan,
    lastStep: "plan.created",
    dueAt: ctx.now(),
  });
  ctx.emit("plan.created", moved.record, {
    planHash: plan.hash,
    actions: plan.actions.map((a) => a.kind),
  });
  return moved;
}

/**
 * A finding its source reports resolved or suppressed (a resolved alert, a muted check, a PASS) is
 * kept and shown, never planned or ticketed: nothing was asked of anyone. A later report that has
 * it open makes it due again (the store's merge).
 */
function holdIfNotOpen(
  ctx: StepContext,
  record: FindingRecord,
): StepOutcome | null {
  const status = record.finding.status;
  if (status === "open") return null;
  const reason =
    `${SOURCE_NOT_OPEN}: the source reports it ${status}; ` +
    "closeloop does not act on it";
  if (record.reason !== reason) {
    ctx.deps.logger.info("finding.not_open", {
      findingId: record.fingerprint,
      status,
    });
  }
  return { kind: "wait", dueAt: null, reason };
}

export const SOURCE_NOT_OPEN = "SOURCE_NOT_OPEN";
