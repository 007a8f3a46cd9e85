import type { SnRecord } from "./query.js";
import type { SnStore } from "./store.js";

export const CAB_GROUP_NAME = "CAB";

/**
 * How a group approval settles from its members' answers (the Approval - Group activity's "Wait
 * for"): `anyone` approves on the first approval, `everyone` needs every member. A rejection
 * rejects the group either way. The sample change shows one of six CAB members approving for the
 * group, so `anyone` is the default.
 */
export type GroupRule = "anyone" | "everyone";

/** The simulator's Change Approval Policy: which approvals a normal change asks for, and how. */
export interface ApprovalPolicy {
  groupRule: GroupRule;
  /**
   * Ask the change's assignment group at Assess (technical approvals, reference §2.2). Off, the
   * policy skips them, as in the sample history ("Normal Change Policy skipped").
   */
  technicalApprovals: boolean;
}

export const DEFAULT_APPROVAL_POLICY: ApprovalPolicy = {
  groupRule: "anyone",
  technicalApprovals: false,
};

/** `change_request.approval` as the platform rolls it up from the approver records. */
export type Rollup = "not requested" | "requested" | "approved" | "rejected";

/** Approver states that take no further part: No Longer Required, Cancelled (reference §3). */
const OUT = new Set(["not_required", "cancelled"]);

function approversOf(store: SnStore, changeId: string): SnRecord[] {
  return store
    .rows("sysapproval_approver")
    .filter((a) => a.sysapproval === changeId);
}

/** The submission round the change is in: every request for approval starts a new one. */
export function currentRound(store: SnStore, changeId: string): number {
  const rounds = approversOf(store, changeId).map((a) =>
    Number(a.iteration ?? "0"),
  );
  return Math.max(0, ...rounds);
}

/**
 * The rollup of reference §3 over this round's records: one rejection rejects, all approved
 * approves, none asked (or all Not Yet Requested) is Not Yet Requested, anything else Requested.
 */
export function rollUp(
  store: SnStore,
  changeId: string,
  round: number,
): Rollup {
  const live = approversOf(store, changeId).filter(
    (a) => a.iteration === String(round) && !OUT.has(a.state ?? ""),
  );
  if (live.some((a) => a.state === "rejected")) return "rejected";
  if (live.length > 0 && live.every((a) => a.state === "approved"))
    return "approved";
  if (live.every((a) => a.state === "not requested")) return "not requested";
  return "requested";
}

/**
 * One group approval for every member of the group (the Approval - Group activity), in this round.
 * Answers false when the group has nobody to ask.
 */
export function requestGroupApproval(
  store: SnStore,
  change: SnRecord,
  groupId: string,
  round: number,
  user: string,
): boolean {
  const group = store.get("sys_user_group", groupId);
  const members = store
    .rows("sys_user_grmember")
    .filter((m) => m.group === groupId);
  if (group === undefined || members.length === 0) return false;
  const changeId = change.sys_id ?? "";

  const request = store.insert(
    "sysapproval_group",
    { parent: changeId, assignment_group: groupId, approval: "requested" },
    user,
  );
  for (const member of members) {
    store.insert(
      "sysapproval_approver",
      {
        approver: member.user ?? "",
        sysapproval: changeId,
        document_id: changeId,
        source_table: "change_request",
        state: "requested",
        group: request.sys_id ?? "",
        approval_column: "approval",
        iteration: String(round),
      },
      user,
    );
  }
  store.appendJournal(
    "change_request",
    changeId,
    "approval_history",
    `Group approval for ${group.name ?? groupId} Approval is requested.`,
    user,
  );
  return true;
}

export function groupIdByName(store: SnStore, name: string): string {
  return (
    store.rows("sys_user_group").find((g) => g.name === name)?.sys_id ?? ""
  );
}

/**
 * Settles the group a member just answered for, by the group rule: once it is decided, its other
 * pending records are No Longer Required (reference §3).
 */
export function settleGroup(
  store: SnStore,
  answered: SnRecord,
  rule: GroupRule,
): void {
  const group = store.get("sysapproval_group", answered.group ?? "");
  if (group === undefined) return;
  const siblings = store
    .rows("sysapproval_approver")
    .filter((a) => a.group === group.sys_id);

  let decided: string | null = null;
  if (siblings.some((a) => a.state === "rejected")) decided = "rejected";
  else if (rule === "anyone" && answered.state === "approved")
    decided = "approved";
  else if (siblings.every((a) => a.state === "approved")) decided = "approved";
  if (decided === null) return;

  group.approval = decided;
  for (const row of siblings) {
    if (row.state !== "requested") continue;
    store.update(
      "sysapproval_approver",
      row.sys_id ?? "",
      { state: "not_required" },
      "system",
    );
  }
}

/** Pending approvals end when the change goes back to New or is canceled (reference §2.2). */
export function cancelPendingApprovals(
  store: SnStore,
  changeId: string,
  user: string,
): void {
  for (const row of approversOf(store, changeId)) {
    if (row.state !== "requested") continue;
    store.update(
      "sysapproval_approver",
      row.sys_id ?? "",
      { state: "not_required" },
      user,
    );
  }
}
