import { CloseloopError } from "../../domain/errors.js";
import { sha256Hex } from "../../domain/secret.js";
import type { PlannedAction } from "../../domain/plan.js";
import type { ApprovalReading, TicketRef } from "../../itsm/types.js";
import type { FindingRecord } from "../../store/types.js";
import type { ActionResult, TargetContext } from "../../targets/types.js";
import type { StepContext, StepOutcome } from "../context.js";
import {
  deferralOf,
  deferralReason,
  PAUSE_RECHECK_MS,
  PAUSED_REASON,
  type Deferral,
} from "../deferral.js";
import { approvalSource, onGateBlocked, readAndGate } from "./approval-step.js";

export function actionKey(record: FindingRecord, actionId: string): string {
  return `action:${record.fingerprint}:${record.cycle}:${actionId}`;
}

/** Which approval the actions ran under: the approving records, for the journal. */
function approvalKey(reading: ApprovalReading): string {
  const ids = reading.approvers
    .filter((a) => a.state === "approved")
    .map((a) => a.recordId)
    .sort();
  return sha256Hex(ids.join(",")).slice(0, 16);
}

/**
 * The global pause, read before anything is journaled or read from the ITSM: the finding waits in
 * `executing`, looked at again from the next pass on, and the approval is read again on resume.
 */
async function holdIfPaused(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome | null> {
  const pause = ctx.deps.pause;
  if (pause === undefined || !(await pause.isPaused())) return null;
  // Logged, not a step event: nothing moved, and the demo's event list stays the loop's own.
  if (record.reason !== PAUSED_REASON) {
    ctx.deps.logger.info("execution.paused", {
      findingId: record.fingerprint,
      state: record.state,
    });
  }
  return {
    kind: "wait",
    dueAt: ctx.later(PAUSE_RECHECK_MS),
    reason: PAUSED_REASON,
    deferred: true,
  };
}

/** The ticket whose approval the actions run under, as the target may cite it. */
function changeRefOf(ref: TicketRef): NonNullable<TargetContext["changeRef"]> {
  return {
    itsm: ref.itsm,
    key: ref.key,
    ...(ref.url === undefined ? {} : { url: ref.url }),
  };
}

/**
 * What one action is given: the shared context with `secret: null`, unless the approved plan marks
 * the action as taking the leaked value itself (a token revoked by sending it). Only then is it
 * unsealed from custody, for this call alone; no log line, journal entry or result holds it.
 */
async function contextFor(
  ctx: StepContext,
  record: FindingRecord,
  action: PlannedAction,
  shared: TargetContext,
): Promise<TargetContext> {
  if (action.usesLeakedSecret !== true) return shared;
  const secret = await ctx.secretFor(record);
  ctx.deps.logger.info("secret.unsealed", {
    findingId: record.fingerprint,
    actionId: action.id,
    target: shared.identity.targetId,
    inCustody: secret !== null,
  });
  return { ...shared, secret };
}

/**
 * A target that said "not now" (not due, paused, circuit open, rate limited): the finding comes
 * back when the target said, and a refusal before acting leaves the action not attempted.
 */
async function deferAction(
  ctx: StepContext,
  record: FindingRecord,
  action: PlannedAction,
  deferral: Deferral,
): Promise<StepOutcome> {
  const dueAt = ctx.later(deferral.delayMs);
  if (deferral.refused) {
    await ctx.deps.store.deferIntent(
      actionKey(record, action.id),
      { code: deferral.code, message: deferral.message, dueAt },
      ctx.now(),
    );
  }
  ctx.deps.logger.info("action.deferred", {
    findingId: record.fingerprint,
    actionId: action.id,
    code: deferral.code,
    dueAt,
  });
  return {
    kind: "wait",
    dueAt,
    reason: deferralReason(`action ${action.id}`, deferral, dueAt),
    deferred: true,
  };
}

/**
 * executing → verifying. The gate runs on an approval read right before the first action; each
 * action is journaled before and after. An action begun but never answered (a crash) is sent again
 * only because targets are idempotent: a repeat answers `already_done`, it is not done twice.
 */
export async function executeStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const { store } = ctx.deps;
  const { plan, identity } = record;
  if (plan === null || identity === null) {
    throw new CloseloopError("PLAN_MISSING", "no stored plan");
  }
  const target = ctx.target(identity.targetId);
  if (target === undefined) {
    throw new CloseloopError(
      "TARGET_UNKNOWN",
      `no target ${identity.targetId}`,
    );
  }
  const paused = await holdIfPaused(ctx, record);
  if (paused !== null) return paused;
  let ref = await approvalSource(ctx, record);

  let reading = ctx.freshReadings.get(record.fingerprint);
  ctx.freshReadings.delete(record.fingerprint);
  if (reading === undefined) {
    const read = await readAndGate(ctx, record, ref);
    if (read.kind === "lost") return read.outcome;
    ref = read.ref;
    if (!read.gate.pass)
      return onGateBlocked(ctx, record, ref, read.reading, read.gate);
    reading = read.reading;
    await store.updateFinding(
      record.fingerprint,
      { approval: reading },
      ctx.now(),
    );
  }

  await ctx.once(
    record,
    `work.start:${record.fingerprint}:${record.cycle}`,
    "work.start",
    async () => {
      await ctx.itsm(ref.instance).startWork(ref);
      return {};
    },
  );
  // The other tickets (a Jira task following a ServiceNow change) show the step too.
  const approvedBy = reading.approvers
    .filter((a) => a.state === "approved")
    .map((a) => a.userName ?? a.userId)
    .join(", ");
  await ctx.note(
    record,
    "work-started",
    `closeloop: ${ref.key} approved by ${approvedBy}; work started on plan ${plan.hash}.`,
    ref.instance,
  );
  ctx.emit("work.started", record, { planHash: plan.hash }, ref);

  const targetCtx: TargetContext = {
    finding: record.finding,
    identity,
    secret: null,
    logger: ctx.deps.logger,
    changeRef: changeRefOf(ref),
  };
  for (const action of plan.actions) {
    const key = actionKey(record, action.id);
    const done = await store.getIntent(key);
    if (done?.status === "done") continue;
    // Checked again before each action: a pause stops the next one, not only the next finding.
    const pausedNow = await holdIfPaused(ctx, record);
    if (pausedNow !== null) return pausedNow;
    const begun = await store.beginIntent(
      {
        key,
        fingerprint: record.fingerprint,
        cycle: record.cycle,
        kind: "action",
        input: {
          actionId: action.id,
          kind: action.kind,
          approval: approvalKey(reading),
        },
      },
      ctx.now(),
    );
    if (begun.attempts > 1) {
      ctx.deps.logger.warn("action.resumed", {
        findingId: record.fingerprint,
        actionId: action.id,
        attempt: begun.attempts,
      });
    }
    const actionCtx = await contextFor(ctx, record, action, targetCtx);
    let result: ActionResult;
    try {
      result = await target.execute(action, actionCtx);
    } catch (error) {
      const deferral = deferralOf(error);
      if (deferral === null) throw error;
      return deferAction(ctx, record, action, deferral);
    }
    ctx.deps.metrics?.actionExecuted(target.id, result.outcome);
    const failed = result.outcome === "failed";
    await store.completeIntent(
      key,
      failed ? "failed" : "done",
      { ...result },
      ctx.now(),
    );
    ctx.emit(failed ? "action.failed" : "action.executed", record, {
      actionId: action.id,
      outcome: result.outcome,
      resultCode: result.resultCode,
    });
    if (failed && !action.optional) {
      const reason = `action ${action.id} failed: ${result.error?.code ?? result.resultCode}`;
      await ctx.note(
        record,
        `action-failed-${action.id}`,
        `closeloop: ${reason}.`,
      );
      return ctx.move(record, "action_failed", {
        reason,
        lastStep: "action.failed",
      });
    }
  }
  return ctx.move(record, "verifying", {
    lastStep: "action.executed",
    dueAt: ctx.now(),
  });
}
