import { CloseloopError } from "../../domain/errors.js";
import { sha256Hex } from "../../domain/secret.js";
import type { ApprovalReading } from "../../itsm/types.js";
import type { FindingRecord } from "../../store/types.js";
import type { ActionResult } from "../../targets/types.js";
import type { StepContext, StepOutcome } from "../context.js";
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
  const ref = await approvalSource(ctx, record);

  let reading = ctx.freshReadings.get(record.fingerprint);
  ctx.freshReadings.delete(record.fingerprint);
  if (reading === undefined) {
    const read = await readAndGate(ctx, record, ref);
    if (read.kind === "lost") return read.outcome;
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

  const targetCtx = {
    finding: record.finding,
    identity,
    secret: null,
    logger: ctx.deps.logger,
  };
  for (const action of plan.actions) {
    const key = actionKey(record, action.id);
    const done = await store.getIntent(key);
    if (done?.status === "done") continue;
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
    const result: ActionResult = await target.execute(action, targetCtx);
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
