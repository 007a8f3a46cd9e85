import type { ApprovalReading, ApproverRecord } from "../itsm/types.js";

export type GateBlock =
  | "not_approved"
  | "not_scheduled"
  | "on_hold"
  | "rejected"
  | "canceled"
  | "plan_hash_mismatch"
  | "target_changed"
  | "before_window"
  | "window_passed"
  | "approved_by_closeloop"
  | "approved_by_requester"
  | "approver_not_in_allowed_group";

export type GateResult =
  | { pass: true; approvers: ApproverRecord[] }
  | { pass: false; block: GateBlock; reason: string };

export interface GateInput {
  reading: ApprovalReading;
  ownUserId: string;
  planHash: string;
  /** What the plan was made for, and what the target acts on now (see `Plan.targetEndpoint`). */
  target: { id: string; planned: string | undefined; current: string };
  allowedGroups: string[] | undefined;
  now: Date;
}

function blocked(block: GateBlock, reason: string): GateResult {
  return { pass: false, block, reason };
}

export const TARGET_CHANGED = "TARGET_CHANGED";

/**
 * The approval names one system; a target repointed since (another host or port, another org
 * or account) is not it. A plan stored before the endpoint was recorded is treated as unknown and
 * never run on a guess, even though its hash still matches.
 */
function targetChange(target: GateInput["target"]): string | null {
  if (target.planned === target.current) return null;
  const planned =
    target.planned === undefined
      ? "the approved plan does not record what it acts on (planned by an older closeloop)"
      : `the approved plan at ${target.planned}`;
  return (
    `${TARGET_CHANGED}: ${target.id} now points at ${target.current}, ${planned}; ` +
    "a new plan and approval are needed"
  );
}

/**
 * The approval gate (closure contract 2), on an approval read back just now: approved, in a state
 * work may start from and not on hold, by someone who is neither closeloop nor the requester, in
 * an allowed group where configured, inside the window where one is set, for exactly the stored
 * plan, on the system that plan names.
 */
export function checkGate(input: GateInput): GateResult {
  const { reading, now } = input;
  if (reading.status === "rejected")
    return blocked("rejected", "the change was rejected");
  if (reading.status === "canceled")
    return blocked("canceled", "the change was canceled");
  if (reading.status !== "approved") {
    return blocked("not_approved", `approval is ${reading.status}`);
  }
  // Approved is not enough: the change must also stand where work may start, and not be held
  // (reference/servicenow.md §8: approved AND state in {Scheduled, Implement} AND not on_hold).
  if (reading.onHold) {
    return blocked(
      "on_hold",
      "ON_HOLD: the change is on hold; work starts once it is taken off hold",
    );
  }
  if (!reading.readyForWork) {
    return blocked(
      "not_scheduled",
      `NOT_SCHEDULED: the change is approved but in state ${reading.ticketState}, ` +
        "not Scheduled or Implement; work starts once it is",
    );
  }

  if (reading.planHash !== input.planHash) {
    return blocked(
      "plan_hash_mismatch",
      `the ticket's plan hash ${reading.planHash ?? "(missing)"} is not the stored plan's`,
    );
  }

  const changed = targetChange(input.target);
  if (changed !== null) return blocked("target_changed", changed);

  const { start, end } = reading.window;
  if (start !== undefined && now.getTime() < Date.parse(start)) {
    return blocked("before_window", `the change window opens at ${start}`);
  }
  if (end !== undefined && now.getTime() > Date.parse(end)) {
    return blocked("window_passed", `the change window closed at ${end}`);
  }

  const approved = reading.approvers.filter((a) => a.state === "approved");
  const notOwn = approved.filter((a) => a.userId !== input.ownUserId);
  if (notOwn.length === 0) {
    return blocked(
      "approved_by_closeloop",
      "no approval by anyone but closeloop itself",
    );
  }
  const independent = notOwn.filter((a) => a.userId !== reading.requestedBy);
  if (independent.length === 0) {
    return blocked(
      "approved_by_requester",
      "the only approval is the requester's own",
    );
  }
  const groups = input.allowedGroups ?? [];
  const counted =
    groups.length === 0
      ? independent
      : independent.filter(
          (a) => a.group !== undefined && groups.includes(a.group),
        );
  if (counted.length === 0) {
    return blocked(
      "approver_not_in_allowed_group",
      `no approver in an allowed group (${groups.join(", ")})`,
    );
  }
  return { pass: true, approvers: counted };
}
