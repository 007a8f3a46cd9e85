import { assertNever, CloseloopError } from "../../domain/errors.js";
import type { ApprovalReading, TicketRef } from "../../itsm/types.js";
import type { FindingRecord } from "../../store/types.js";
import type { StepContext, StepOutcome } from "../context.js";
import { checkGate, type GateResult } from "../gate.js";
import { rekey, ticketLost } from "./lost.js";

const REREAD_AFTER_NOTE_MS = 5_000;

export async function approvalSource(
  ctx: StepContext,
  record: FindingRecord,
): Promise<TicketRef> {
  const source = (await ctx.tickets(record)).find((t) => t.approvalSource);
  if (source?.ref == null) {
    throw new CloseloopError(
      "TICKET_MISSING",
      "the approval-source ticket is not open",
    );
  }
  return source.ref;
}

/** `ref` is the ticket as the read found it: under its new key after a move (BR-16). */
export type ReadOutcome =
  | { kind: "read"; reading: ApprovalReading; gate: GateResult; ref: TicketRef }
  | { kind: "lost"; outcome: StepOutcome };

/** Undecided while a person closed the ticket: nothing will approve it any more. */
const UNDECIDED: ReadonlySet<string> = new Set(["not_requested", "requested"]);

/** Reads the approval back and runs the gate; a ticket that vanished is handled as lost. */
export async function readAndGate(
  ctx: StepContext,
  record: FindingRecord,
  asStored: TicketRef,
): Promise<ReadOutcome> {
  let ref = asStored;
  const itsm = ctx.itsm(ref.instance);
  let reading: ApprovalReading;
  try {
    reading = { ...(await itsm.readApproval(ref)), readAt: ctx.now() };
  } catch (error) {
    const status = await itsm.readStatus(ref);
    ref = await rekey(ctx, record, ref, status.key);
    if (status.lifecycle === "open") throw error;
    return {
      kind: "lost",
      outcome: await ticketLost(ctx, record, ref, status.lifecycle),
    };
  }
  const seen = reading.ticketStatus;
  if (seen !== undefined) {
    ref = await rekey(ctx, record, ref, seen.key);
    if (seen.lifecycle !== "open" && UNDECIDED.has(reading.status)) {
      return {
        kind: "lost",
        outcome: await ticketLost(ctx, record, ref, seen.lifecycle),
      };
    }
  }
  const plan = record.plan;
  if (plan === null) throw new CloseloopError("PLAN_MISSING", "no stored plan");
  const target = ctx.target(plan.targetId);
  if (target === undefined) {
    throw new CloseloopError("TARGET_UNKNOWN", `no target ${plan.targetId}`);
  }
  const gate = checkGate({
    reading,
    ownUserId: await itsm.ownUserId(),
    planHash: plan.hash,
    target: {
      id: plan.targetId,
      planned: plan.targetEndpoint,
      current: await target.endpoint(),
    },
    allowedGroups: ctx.deps.policy.allowedApprovalGroups,
    now: ctx.deps.clock(),
  });
  return { kind: "read", reading, gate, ref };
}

/** What a failed gate means for the finding: an end, a wait, or a block a person must clear. */
export async function onGateBlocked(
  ctx: StepContext,
  record: FindingRecord,
  ref: TicketRef,
  reading: ApprovalReading,
  gate: Extract<GateResult, { pass: false }>,
): Promise<StepOutcome> {
  const detail = { block: gate.block, reason: gate.reason };
  switch (gate.block) {
    case "rejected": {
      const moved = await ctx.move(record, "rejected", { reason: gate.reason });
      ctx.emit("approval.rejected", moved.record, detail, ref);
      return moved;
    }
    case "canceled": {
      const moved = await ctx.move(record, "canceled", { reason: gate.reason });
      ctx.emit("approval.canceled", moved.record, detail, ref);
      return moved;
    }
    case "window_passed": {
      await ctx.note(
        record,
        "window-expired",
        `closeloop: ${gate.reason}; no action was taken.`,
      );
      const moved = await ctx.move(record, "window_expired", {
        reason: gate.reason,
      });
      ctx.emit("window.expired", moved.record, detail, ref);
      return moved;
    }
    case "not_approved":
      return { kind: "wait", dueAt: null, reason: null };
    case "not_scheduled":
    case "on_hold":
      // A person's move ends it (the change is scheduled, the hold lifted): that update wakes
      // the finding like any other, so there is nothing to write on the ticket.
      if (record.reason !== gate.reason)
        ctx.emit("approval.blocked", record, detail, ref);
      return { kind: "wait", dueAt: null, reason: gate.reason };
    case "before_window":
      ctx.emit("approval.blocked", record, detail, ref);
      return {
        kind: "wait",
        dueAt: reading.window.start ?? null,
        reason: gate.reason,
      };
    case "plan_hash_mismatch":
    case "target_changed":
    case "approved_by_closeloop":
    case "approved_by_requester":
    case "approver_not_in_allowed_group":
      if (record.reason !== gate.reason) {
        ctx.emit("approval.blocked", record, detail, ref);
        await ctx.note(
          record,
          `blocked-${gate.block}-${reading.approvers.length}`,
          `closeloop will not act: ${gate.reason}.`,
        );
        // The note's echo wakes nobody, so a person's change that landed between the read and
        // the note would hide under it: read once more after every note (see `ChangeFilter`).
        return {
          kind: "wait",
          dueAt: ctx.later(REREAD_AFTER_NOTE_MS),
          reason: gate.reason,
        };
      }
      return { kind: "wait", dueAt: null, reason: gate.reason };
    default:
      return assertNever(gate.block, "gate block");
  }
}

/** awaiting_approval → executing once the gate passes; the ends where it says so. */
export async function awaitingStep(
  ctx: StepContext,
  record: FindingRecord,
): Promise<StepOutcome> {
  const read = await readAndGate(
    ctx,
    record,
    await approvalSource(ctx, record),
  );
  if (read.kind === "lost") return read.outcome;
  const { reading, gate, ref } = read;
  if (!gate.pass) {
    return onGateBlocked(ctx, record, ref, reading, gate);
  }

  ctx.freshReadings.set(record.fingerprint, reading);
  const moved = await ctx.move(record, "executing", {
    approval: reading,
    lastStep: "approval.read",
    dueAt: ctx.now(),
  });
  ctx.emit(
    "approval.read",
    moved.record,
    { approvers: gate.approvers.map((a) => a.userName ?? a.userId) },
    ref,
  );
  return moved;
}
