import type { SimIssue } from "./model.js";
import { ISSUE_NOT_FOUND, jiraError, jsonResponse } from "./render.js";
import { apiVersion, isRecord } from "./route.js";
import type { Route, RouteContext } from "./route.js";

const LINKS = String.raw`^/rest/api/(2|3)/issue/([^/]+)/remotelink$`;

function issueOf(context: RouteContext): SimIssue | Response {
  const issue = context.sim.findIssue(
    decodeURIComponent(context.match[2] ?? ""),
  );
  return issue ?? jiraError(404, [ISSUE_NOT_FOUND]);
}

/**
 * `POST …/remotelink`: with a `globalId` an existing link is updated in place, so a repeated call
 * makes no second link (reference/jira.md §2.7). `object.url` and `object.title` are required.
 */
function createLink(context: RouteContext): Response {
  const issue = issueOf(context);
  if (issue instanceof Response) return issue;
  const body = isRecord(context.json) ? context.json : {};
  const object = isRecord(body.object) ? body.object : {};
  const errors: Record<string, string> = {};
  if (typeof object.url !== "string") errors.url = "'url' is required.";
  if (typeof object.title !== "string") errors.title = "'title' is required.";
  if (Object.keys(errors).length > 0) return jiraError(400, [], errors);

  const globalId = typeof body.globalId === "string" ? body.globalId : null;
  const links = (issue.remoteLinks ??= []);
  const existing =
    globalId === null ? undefined : links.find((l) => l.globalId === globalId);
  const link = existing ?? {
    id: context.sim.newId(),
    globalId,
    url: "",
    title: "",
  };
  link.url = String(object.url);
  link.title = String(object.title);
  if (existing === undefined) links.push(link);
  issue.updated = context.sim.now();

  const issuePath = `/rest/api/${apiVersion(context)}/issue/${issue.id}`;
  const self = `${context.base}${issuePath}/remotelink/${link.id}`;
  return jsonResponse({ id: Number(link.id), self }, existing ? 200 : 201);
}

function listLinks(context: RouteContext): Response {
  const issue = issueOf(context);
  if (issue instanceof Response) return issue;
  return jsonResponse(
    (issue.remoteLinks ?? []).map((l) => ({
      id: Number(l.id),
      ...(l.globalId === null ? {} : { globalId: l.globalId }),
      object: { url: l.url, title: l.title },
    })),
  );
}

export const remoteLinkRoutes: Route[] = [
  { method: "POST", pattern: new RegExp(LINKS), handle: createLink },
  { method: "GET", pattern: new RegExp(LINKS), handle: listLinks },
];
