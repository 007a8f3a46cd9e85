import { ItsmError } from "../http/index.js";
import type {
  ApprovalReading,
  ApprovalStatus,
  ApproverRecord,
  TicketRef,
} from "../types.js";
import { readChange } from "./transitions.js";
import type { SnContext } from "./changes.js";
import {
  CHANGE_STATES,
  RAW,
  glideToIso,
  listSchema,
  normaliseState,
  queryValue,
  rawValue,
  refId,
} from "./schema.js";
import type { SnRow } from "./schema.js";

const CHANGE_FIELDS =
  "sys_id,number,state,approval,on_hold,requested_by,start_date,end_date,implementation_plan";
/** Where approved work may start (reference §8): Scheduled, or Implement on a repeated pass. */
const READY_STATES: readonly string[] = [
  CHANGE_STATES.scheduled,
  CHANGE_STATES.implement,
];
const APPROVER_FIELDS = [
  "sys_id",
  "sysapproval",
  "state",
  "approver",
  "approver.user_name",
  "group",
  "group.assignment_group",
  "group.assignment_group.name",
  "sys_updated_on",
].join(",");

/**
 * The approval as ServiceNow holds it now: the change's raw `state`, `approval` and `on_hold`,
 * and every `sysapproval_approver` record (reference §3). Raw values only; closeloop never writes
 * one.
 */
export async function readApproval(
  ctx: SnContext,
  ref: TicketRef,
): Promise<ApprovalReading> {
  const change = await readChange(ctx, ref.id, CHANGE_FIELDS);
  if (change === null) {
    throw new ItsmError("NOT_FOUND", `change ${ref.key} no longer exists`, {
      status: 404,
      details: { ticket: ref.key },
    });
  }
  const response = await ctx.client.request({
    method: "GET",
    path: "/api/now/table/sysapproval_approver",
    params: {
      ...RAW,
      sysparm_query: `sysapproval=${queryValue(ref.id)}^ORDERBYsys_updated_on`,
      sysparm_fields: APPROVER_FIELDS,
      sysparm_limit: "1000",
    },
    idempotent: true,
    schema: listSchema,
  });

  const rows = (response?.body.result ?? []).filter(
    (row) => refId(row.sysapproval) === ref.id,
  );
  const approvers = rows
    .filter((row) => groupAllowed(ctx, row))
    .map(toApprover);
  const state = normaliseState(rawValue(change.state));
  let status = approvalStatus(rawValue(change.approval), state);
  if (status === "approved" && !approvers.some((a) => a.state === "approved")) {
    // Approved, but not by a group whose approval counts here: not an approval for closeloop.
    ctx.logger.warn("approval.group_not_allowed", {
      ticket: ref.key,
      instance: ctx.config.id,
    });
    status = "requested";
  }

  const start = glideToIso(rawValue(change.start_date));
  const end = glideToIso(rawValue(change.end_date));
  return {
    status,
    ticketState: state,
    inImplementation: state === CHANGE_STATES.implement,
    readyForWork: READY_STATES.includes(state),
    onHold: rawValue(change.on_hold) === "true",
    approvers,
    ...optional("requestedBy", rawValue(change.requested_by)),
    window: {
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
    },
    planHash: lastHash(rawValue(change.implementation_plan)),
    readAt: ctx.now().toISOString(),
  };
}

function toApprover(row: SnRow): ApproverRecord {
  const state = approverState(rawValue(row.state));
  const decidedAt =
    state === "approved" || state === "rejected"
      ? glideToIso(rawValue(row.sys_updated_on))
      : undefined;
  const group =
    rawValue(row["group.assignment_group.name"]) ||
    rawValue(row["group.assignment_group"]);
  return {
    userId: refId(row.approver),
    ...optional("userName", rawValue(row["approver.user_name"])),
    ...optional("group", group),
    state,
    ...(decidedAt === undefined ? {} : { decidedAt }),
    recordId: rawValue(row.sys_id),
  };
}

/** allowedApprovalGroups names groups by sys_id or by name; absent, every group counts. */
function groupAllowed(ctx: SnContext, row: SnRow): boolean {
  const allowed = ctx.config.allowedApprovalGroups;
  if (allowed === undefined) return true;
  const id = rawValue(row["group.assignment_group"]);
  const name = rawValue(row["group.assignment_group.name"]);
  return allowed.some((g) => g === id || g === name);
}

function approverState(value: string): ApproverRecord["state"] {
  switch (value) {
    case "requested":
    case "approved":
    case "rejected":
    case "not_required":
      return value;
    case "cancelled":
      return "canceled";
    default:
      return "other";
  }
}

function approvalStatus(approval: string, state: string): ApprovalStatus {
  if (state === CHANGE_STATES.canceled) return "canceled";
  switch (approval) {
    case "approved":
      return "approved";
    case "rejected":
      return "rejected";
    case "requested":
      return "requested";
    case "cancelled":
      return "canceled";
    default:
      return "not_requested";
  }
}

/** The plan hash closeloop wrote at the end of the implementation plan: the last 64-hex word. */
function lastHash(text: string): string | null {
  const all = text.match(/\b[0-9a-f]{64}\b/g);
  return all?.at(-1) ?? null;
}

function optional<K extends string>(
  key: K,
  value: string,
): { [P in K]?: string } {
  return (value === "" ? {} : { [key]: value }) as { [P in K]?: string };
}
