import type { SnRecord } from "./query.js";
import { CHANGE_STATE_LABELS } from "./schema.js";
import type { SnStore } from "./store.js";

/**
 * The default normal-change model (reference §2.2): New → Assess → Authorize → Scheduled →
 * Implement → Review → Closed, Canceled from anything but Review and Closed, back to New from the
 * approval states. Skipping a state is refused, as real instances do (§0.3).
 */
const NEXT: Readonly<Record<string, readonly string[]>> = {
  "-5": ["-4", "4"],
  "-4": ["-5", "4"],
  "-3": ["-2", "-5", "4"],
  "-2": ["-1", "-5", "4"],
  "-1": ["0", "4"],
  "0": ["3"],
  "3": [],
  "4": [],
};

export type PatchOutcome =
  | { ok: true; record: SnRecord }
  | { ok: false; status: number; message: string; detail: string };

export const CAB_GROUP_NAME = "CAB";

export function applyChangePatch(
  store: SnStore,
  record: SnRecord,
  values: SnRecord,
  user: string,
): PatchOutcome {
  const from = record.state ?? "-5";
  const to = values.state;
  const changesState = to !== undefined && to !== from;

  if (changesState) {
    const refusal = checkTransition(record, from, to, values);
    if (refusal !== null) return refusal;
  }

  const sysId = record.sys_id ?? "";
  const updated = store.update("change_request", sysId, values, user);
  if (!changesState) return { ok: true, record: updated };

  if (to === "-4") requestCabApproval(store, updated, user);
  if (to === "-5" || to === "4") cancelPendingApprovals(store, sysId, user);
  if (to === "3" || to === "4") updated.active = "false";
  return { ok: true, record: updated };
}

function checkTransition(
  record: SnRecord,
  from: string,
  to: string,
  values: SnRecord,
): PatchOutcome | null {
  const label = (s: string): string => CHANGE_STATE_LABELS[s] ?? s;
  if (!(NEXT[from] ?? []).includes(to)) {
    return refuse(
      `Invalid state transition from ${label(from)} to ${label(to)}`,
    );
  }
  if (to === "-1" && record.approval !== "approved") {
    return refuse("Change must be approved before Implement");
  }

  const closeCode = values.close_code ?? record.close_code ?? "";
  const closeNotes = values.close_notes ?? record.close_notes ?? "";
  if (to === "3" && (closeCode === "" || closeNotes === "")) {
    return refuse(
      "Data Policy Exception: The following fields are mandatory: Close code, Close notes",
    );
  }
  return null;
}

function refuse(detail: string): PatchOutcome {
  return { ok: false, status: 403, message: "Operation Failed", detail };
}

/** Entering Assess asks every CAB member, through one group approval (reference §2.2, §3). */
function requestCabApproval(
  store: SnStore,
  change: SnRecord,
  user: string,
): void {
  const cab = store
    .rows("sys_user_group")
    .find((g) => g.name === CAB_GROUP_NAME);
  if (cab === undefined) return;
  const changeId = change.sys_id ?? "";

  const group = store.insert(
    "sysapproval_group",
    {
      parent: changeId,
      assignment_group: cab.sys_id ?? "",
      approval: "requested",
    },
    user,
  );
  const members = store
    .rows("sys_user_grmember")
    .filter((m) => m.group === cab.sys_id);
  for (const member of members) {
    store.insert(
      "sysapproval_approver",
      {
        approver: member.user ?? "",
        sysapproval: changeId,
        document_id: changeId,
        source_table: "change_request",
        state: "requested",
        group: group.sys_id ?? "",
        approval_column: "approval",
      },
      user,
    );
  }

  change.approval = "requested";
  store.appendJournal(
    "change_request",
    changeId,
    "approval_history",
    "Group approval for CAB Approval is requested.",
    user,
  );
}

function cancelPendingApprovals(
  store: SnStore,
  changeId: string,
  user: string,
): void {
  for (const row of store.rows("sysapproval_approver")) {
    if (row.sysapproval !== changeId || row.state !== "requested") continue;
    store.update(
      "sysapproval_approver",
      row.sys_id ?? "",
      { state: "not_required" },
      user,
    );
  }
}

export type Decision = "approved" | "rejected";

/**
 * A CAB member decides. The group is "one of N": the first decision settles it, the other pending
 * records become No Longer Required. Approved rolls up to the change and moves it to Scheduled;
 * rejected moves it back to New (reference §2.2, §3).
 */
export function decide(
  store: SnStore,
  changeId: string,
  approverUserName: string,
  decision: Decision,
  comments: string,
): { ok: true } | { ok: false; reason: string } {
  const change = store.get("change_request", changeId);
  if (change === undefined) return { ok: false, reason: "no such change" };
  const user = store
    .rows("sys_user")
    .find((u) => u.user_name === approverUserName);
  if (user === undefined) return { ok: false, reason: "no such user" };

  const mine = store
    .rows("sysapproval_approver")
    .find(
      (a) =>
        a.sysapproval === changeId &&
        a.approver === user.sys_id &&
        a.state === "requested",
    );
  if (mine === undefined) {
    return { ok: false, reason: `${approverUserName} has no pending approval` };
  }

  store.update(
    "sysapproval_approver",
    mine.sys_id ?? "",
    { state: decision },
    approverUserName,
  );
  if (comments !== "") {
    store.appendJournal(
      "sysapproval_approver",
      mine.sys_id ?? "",
      "comments",
      comments,
      approverUserName,
    );
  }
  cancelPendingApprovals(store, changeId, "system");
  const group = store.get("sysapproval_group", mine.group ?? "");
  if (group !== undefined) group.approval = decision;

  const name = user.name ?? approverUserName;
  store.appendJournal(
    "change_request",
    changeId,
    "approval_history",
    `Group approval for CAB Approval ${decision} by user ${name}.`,
    "system",
  );
  const rollup: SnRecord =
    decision === "approved"
      ? {
          approval: "approved",
          state: "-2",
          approval_set: change.sys_updated_on ?? "",
        }
      : { approval: "rejected", state: "-5" };
  store.update("change_request", changeId, rollup, "system");
  if (decision === "approved") {
    change.approval_set = change.sys_updated_on ?? "";
  }
  return { ok: true };
}
