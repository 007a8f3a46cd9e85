import type { SimApproval, SimIssue } from "./model.js";
import { jiraTime, jsonResponse, renderUser } from "./render.js";
import type { Route, RouteContext } from "./route.js";

function asText(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function renderApproval(
  context: RouteContext,
  issue: SimIssue,
  approval: SimApproval,
) {
  const date = (ms: number) => ({
    iso8601: jiraTime(ms),
    jira: jiraTime(ms),
    epochMillis: ms,
  });
  return {
    id: approval.id,
    name: approval.name,
    finalDecision: approval.finalDecision,
    canAnswerApproval: false,
    approvers: approval.approvers.map((a) => ({
      approver: renderUser(context.base, a.user, context.sim.deployment),
      approverDecision: a.decision,
    })),
    createdDate: date(approval.createdAt),
    ...(approval.completedAt === null
      ? {}
      : { completedDate: date(approval.completedAt) }),
    _links: {
      self: `${context.base}/rest/servicedeskapi/request/${issue.id}/approval/${approval.id}`,
    },
  };
}

function serviceDeskIssue(context: RouteContext): SimIssue | Response {
  const issue = context.sim.findIssue(
    decodeURIComponent(context.match[1] ?? ""),
  );
  if (
    issue === undefined ||
    context.sim.project(issue.projectKey)?.serviceDesk !== true
  ) {
    return jsonResponse(
      { errorMessage: "The request could not be found." },
      404,
    );
  }
  return issue;
}

/**
 * JSM Data Center marks the approval API experimental: without `X-ExperimentalApi: opt-in` it
 * refuses the call (reference/jira.md §3.1; the status, 412, is inference).
 */
function experimentalRefusal(context: RouteContext): Response | null {
  if (context.sim.deployment !== "datacenter") return null;
  if (context.request.headers.get("x-experimentalapi") === "opt-in")
    return null;
  return jsonResponse(
    {
      errorMessage:
        "This API is experimental. Experimental APIs are not guaranteed to be stable within " +
        "the preview period. You must set the header 'X-ExperimentalApi: opt-in' to opt " +
        "into using this API.",
    },
    412,
  );
}

function listApprovals(context: RouteContext): Response {
  const refused = experimentalRefusal(context);
  if (refused !== null) return refused;
  const issue = serviceDeskIssue(context);
  if (issue instanceof Response) return issue;
  const values = issue.approvals.map((a) => renderApproval(context, issue, a));
  return jsonResponse({
    size: values.length,
    start: 0,
    limit: 50,
    isLastPage: true,
    values,
  });
}

function answerApproval(): Response {
  // The API caller is closeloop's own account: it is never an approver in the sandbox.
  return jsonResponse(
    { errorMessage: "You are not an approver of this approval." },
    403,
  );
}

async function sandboxApprove(context: RouteContext): Promise<Response> {
  const form = await context.request.formData().catch(() => null);
  const approver = asText(form?.get("approver"));
  const decision = asText(form?.get("decision"));
  if (decision !== "approve" && decision !== "decline") {
    return new Response("decision must be approve or decline", { status: 400 });
  }
  const id = decodeURIComponent(context.match[1] ?? "");
  const problem = context.sim.decideApproval(id, approver, decision);
  if (problem !== null) return new Response(problem, { status: 409 });
  return new Response(null, { status: 303, headers: { location: "/" } });
}

/** JSM approvals, and the sandbox form a CAB member answers them with. */
export const jsmRoutes: Route[] = [
  {
    method: "GET",
    pattern: /^\/rest\/servicedeskapi\/request\/([^/]+)\/approval$/,
    handle: listApprovals,
  },
  {
    method: "POST",
    pattern: /^\/rest\/servicedeskapi\/request\/([^/]+)\/approval\/[^/]+$/,
    handle: answerApproval,
  },
  {
    method: "POST",
    pattern: /^\/sandbox\/jira\/issues\/([^/]+)\/approval$/,
    handle: sandboxApprove,
  },
];
