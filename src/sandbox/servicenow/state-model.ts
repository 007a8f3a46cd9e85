import {
  CAB_GROUP_NAME,
  cancelPendingApprovals,
  currentRound,
  groupIdByName,
  requestGroupApproval,
  rollUp,
  settleGroup,
} from "./approval-rules.js";
import type { ApprovalPolicy } from "./approval-rules.js";
import type { SnRecord } from "./query.js";
import { CHANGE_STATE_LABELS, glideDateTime } from "./schema.js";
import type { SnStore } from "./store.js";

/**
 * The default normal-change model (reference §2.2): New → Assess → Authorize → Scheduled →
 * Implement → Review → Closed, Canceled from anything but Review and Closed, back to New from the
 * approval states. Skipping a state is refused with an error, as real instances do (§0.3).
 */
const NEXT: Readonly<Record<string, readonly string[]>> = {
  "-5": ["-4", "4"],
  "-4": ["-3", "-5", "4"],
  "-3": ["-2", "-5", "4"],
  "-2": ["-1", "-5", "4"],
  "-1": ["0", "4"],
  "0": ["3"],
  "3": [],
  "4": [],
};

/** on_hold is not allowed on a change that is New, Closed or Canceled (reference §2.1). */
const NO_HOLD_STATES = new Set(["-5", "3", "4"]);

export type PatchOutcome =
  | { ok: true; record: SnRecord }
  | { ok: false; status: number; message: string; detail: string };

/** A PATCH of a change by an API user: the model decides what of it takes. */
export function applyChangePatch(
  store: SnStore,
  record: SnRecord,
  values: SnRecord,
  user: string,
  policy: ApprovalPolicy,
): PatchOutcome {
  return moveChange(store, record, values, user, policy);
}

/**
 * The one path every change of a change request takes: an API PATCH, an approval rollup, a policy
 * step. A refused move answers an error; a move whose condition is not met ("Not On hold",
 * "Approval is Approved") answers 200 with the state unchanged (reference §0.3, §2.2).
 */
function moveChange(
  store: SnStore,
  record: SnRecord,
  values: SnRecord,
  user: string,
  policy: ApprovalPolicy,
  round?: number,
): PatchOutcome {
  const sysId = record.sys_id ?? "";
  const from = record.state ?? "-5";
  const to = values.state;
  const changesState = to !== undefined && to !== from;

  const refusal =
    holdRefusal(record, values) ??
    (changesState ? checkTransition(record, from, to, values) : null);
  if (refusal !== null) return refusal;

  if (changesState && !conditionMet(store, record, from, to, values, round)) {
    const rest = Object.fromEntries(
      Object.entries(values).filter(([k]) => k !== "state"),
    );
    return {
      ok: true,
      record: store.update("change_request", sysId, rest, user),
    };
  }

  const wasHeld = record.on_hold === "true";
  const updated = store.update("change_request", sysId, values, user);
  if (changesState) {
    enterState(store, updated, to, user, policy, round);
  } else if (wasHeld && updated.on_hold !== "true") {
    // An approval that settled while the change was held moves it once the hold is lifted.
    const next = nextOnRollup(updated.state ?? "", updated.approval ?? "");
    if (next !== null)
      moveChange(store, updated, { state: next }, user, policy);
  }
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

  const closeCode = values.close_code ?? record.close_code ?? "";
  const closeNotes = values.close_notes ?? record.close_notes ?? "";
  if (to === "3" && (closeCode === "" || closeNotes === "")) {
    return refuse(
      "Data Policy Exception: The following fields are mandatory: Close code, Close notes",
    );
  }
  return null;
}

/** Putting a change on hold needs a reason, and a state that allows it (reference §2.1). */
function holdRefusal(record: SnRecord, values: SnRecord): PatchOutcome | null {
  if (values.on_hold !== "true" || record.on_hold === "true") return null;
  const reason = values.on_hold_reason ?? record.on_hold_reason ?? "";
  if (reason === "") {
    return refuse(
      "Data Policy Exception: The following fields are mandatory: On hold reason",
    );
  }
  const state = values.state ?? record.state ?? "-5";
  if (NO_HOLD_STATES.has(state)) {
    return refuse(
      `On hold is not allowed in state ${CHANGE_STATE_LABELS[state] ?? state}`,
    );
  }
  return null;
}

/** The model's transition conditions: a move that fails one is answered 200 and not made. */
function conditionMet(
  store: SnStore,
  record: SnRecord,
  from: string,
  to: string,
  values: SnRecord,
  round: number | undefined,
): boolean {
  const held = (values.on_hold ?? record.on_hold) === "true";
  if (held && to !== "-5" && to !== "4") return false;

  const sysId = record.sys_id ?? "";
  const rolled = rollUp(store, sysId, round ?? currentRound(store, sysId));
  if (from === "-4" && to === "-3")
    return rolled === "approved" || rolled === "not requested";
  if (from === "-3" && to === "-2") return rolled === "approved";
  if (from === "-2" && to === "-1") return record.approval === "approved";
  return true;
}

function refuse(detail: string): PatchOutcome {
  return { ok: false, status: 403, message: "Operation Failed", detail };
}

/**
 * What entering a state sets off (reference §2.2): Assess asks the assignment group (technical
 * approvals) or records that the policy skipped them and moves on; Authorize asks the CAB; New and
 * Canceled end what is pending. `round` is the submission the approvals belong to.
 */
function enterState(
  store: SnStore,
  change: SnRecord,
  to: string,
  user: string,
  policy: ApprovalPolicy,
  round: number | undefined,
): void {
  // What a move sets off runs in the same transaction, so it is the mover's update too: the
  // integration user's own PATCH stays its own (its echo wakes nobody).
  const sysId = change.sys_id ?? "";
  switch (to) {
    case "-4": {
      const next = currentRound(store, sysId) + 1;
      change.approval = "requested";
      const group = change.assignment_group ?? "";
      const asked =
        policy.technicalApprovals &&
        group !== "" &&
        requestGroupApproval(store, change, group, next, user);
      if (asked) return;
      store.appendJournal(
        "change_request",
        sysId,
        "approval_history",
        "Normal Change Policy skipped (Technical approvals).",
        user,
      );
      moveChange(store, change, { state: "-3" }, user, policy, next);
      return;
    }
    case "-3": {
      const now = round ?? currentRound(store, sysId);
      const cab = groupIdByName(store, CAB_GROUP_NAME);
      requestGroupApproval(store, change, cab, now, user);
      change.approval = rollUp(store, sysId, now);
      return;
    }
    case "-2":
      change.approval_set = glideDateTime(store.now());
      return;
    case "-5":
      cancelPendingApprovals(store, sysId, user);
      change.approval = rollUp(store, sysId, currentRound(store, sysId));
      return;
    case "4":
      cancelPendingApprovals(store, sysId, user);
      change.active = "false";
      return;
    case "3":
      change.active = "false";
      return;
    default:
      return;
  }
}

export type Decision = "approved" | "rejected";

/**
 * An approver decides, as through the approval UI. Their group settles by its rule, the change's
 * `approval` rolls up from the round's records (reference §3), and the rollup moves the change
 * through the same path a PATCH takes: approved Assess → Authorize, approved Authorize →
 * Scheduled, rejected → New (reference §2.2).
 */
export function decide(
  store: SnStore,
  changeId: string,
  approverUserName: string,
  decision: Decision,
  comments: string,
  policy: ApprovalPolicy,
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

  const answered = store.update(
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
  settleGroup(store, answered, policy.groupRule);
  const who = user.name ?? approverUserName;
  store.appendJournal(
    "change_request",
    changeId,
    "approval_history",
    `Group approval for ${groupName(store, answered)} Approval ${decision} by user ${who}.`,
    "system",
  );

  const round = Number(answered.iteration ?? "0");
  const rolled = rollUp(store, changeId, round);
  store.update("change_request", changeId, { approval: rolled }, "system");
  const next = nextOnRollup(change.state ?? "", rolled);
  if (next !== null) {
    moveChange(store, change, { state: next }, "system", policy, round);
  }
  return { ok: true };
}

function nextOnRollup(state: string, rolled: string): string | null {
  if (rolled === "rejected") return "-5";
  if (rolled !== "approved") return null;
  if (state === "-4") return "-3";
  if (state === "-3") return "-2";
  return null;
}

function groupName(store: SnStore, approver: SnRecord): string {
  const request = store.get("sysapproval_group", approver.group ?? "");
  const group = store.get("sys_user_group", request?.assignment_group ?? "");
  return group?.name ?? "group";
}
