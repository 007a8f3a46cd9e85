import type {
  ApprovalReading,
  ApprovalStatus,
  ApproverRecord,
} from "../types.js";
import type { JiraApproval } from "./config.js";
import type { JiraIssue, JsmApproval } from "./schema.js";
import { linkPropertySchema } from "./schema.js";
import { LINK_PROPERTY } from "./fields.js";

type Base = Omit<ApprovalReading, "status" | "approvers" | "readyForWork">;

/** Jira has no separate schedule: the approval decision is what lets work start. */
function decided(
  base: Base,
  status: ApprovalStatus,
  approvers: ApproverRecord[],
): ApprovalReading {
  return { ...base, status, approvers, readyForWork: status === "approved" };
}

function utc(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, "$1:$2"));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function userId(
  user:
    | {
        accountId?: string | undefined;
        key?: string | undefined;
        name?: string | undefined;
      }
    | null
    | undefined,
): string {
  return user?.accountId ?? user?.key ?? user?.name ?? "";
}

/** The raw facts of an issue every reading shares; the plan hash comes from the property. */
export function baseReading(issue: JiraIssue, readAt: Date): Base {
  const link = linkPropertySchema.safeParse(issue.properties?.[LINK_PROPERTY]);
  const category = issue.fields.status?.statusCategory?.key;
  const requestedBy = userId(issue.fields.reporter);
  return {
    ticketState: issue.fields.status?.id ?? "",
    inImplementation: category === "indeterminate",
    onHold: false,
    ...(requestedBy === "" ? {} : { requestedBy }),
    window: {},
    planHash: link.success ? link.data.planHash : null,
    readAt: readAt.toISOString(),
  };
}

const JSM_STATE: Record<string, ApproverRecord["state"]> = {
  approved: "approved",
  declined: "rejected",
  pending: "requested",
};

/**
 * JSM: the latest approval decides. An approval granted only by closeloop's own account does not
 * count (the product's first rule); closeloop never answers one itself.
 */
export function jsmReading(
  base: Base,
  approvals: JsmApproval[],
  ownId: string,
): ApprovalReading {
  const latest = approvals.at(-1);
  if (latest === undefined) return decided(base, "not_requested", []);

  const decidedAt = utc(latest.completedDate?.iso8601);
  const approvers: ApproverRecord[] = latest.approvers.map((a) => {
    const name = a.approver.displayName;
    const state = JSM_STATE[a.approverDecision] ?? "other";
    return {
      userId: userId(a.approver),
      ...(name === undefined ? {} : { userName: name }),
      state,
      ...(state !== "requested" && decidedAt !== undefined
        ? { decidedAt }
        : {}),
      recordId: latest.id,
    };
  });
  const byOthers = approvers.filter((a) => a.userId !== ownId);
  let status: ApprovalStatus = "requested";
  if (latest.finalDecision === "declined") status = "rejected";
  if (
    latest.finalDecision === "approved" &&
    byOthers.some((a) => a.state === "approved")
  ) {
    status = "approved";
  }
  return decided(base, status, approvers);
}

/**
 * Plain Jira: approval is a configured status, and counts only when someone other than closeloop
 * moved the issue there (reference/jira.md §3.2, read from the changelog).
 */
export function statusReading(
  base: Base,
  issue: JiraIssue,
  approval: Extract<JiraApproval, { mode: "status" }>,
  ownId: string,
): ApprovalReading {
  const status = issue.fields.status;
  const matches = (list: string[]) =>
    status !== null &&
    status !== undefined &&
    (list.includes(status.id) || list.includes(status.name));
  const decision = matches(approval.approvedStatuses)
    ? "approved"
    : matches(approval.rejectedStatuses)
      ? "rejected"
      : null;
  if (decision === null) return decided(base, "requested", []);

  const move = [...(issue.changelog?.histories ?? [])]
    .reverse()
    .find((h) =>
      h.items.some((i) => i.field === "status" && i.to === status?.id),
    );
  const mover = userId(move?.author);
  const decidedAt = utc(move?.created);
  const approvers: ApproverRecord[] =
    move === undefined
      ? []
      : [
          {
            userId: mover,
            ...(move.author?.displayName === undefined
              ? {}
              : { userName: move.author.displayName }),
            state: decision,
            ...(decidedAt === undefined ? {} : { decidedAt }),
            recordId: move.id,
          },
        ];
  const counted = mover !== "" && mover !== ownId;
  return decided(base, counted ? decision : "requested", approvers);
}
