import { CATEGORY } from "./model.js";
import type {
  SimAttachment,
  SimIssue,
  SimProject,
  SimStatus,
  SimTransition,
  SimUser,
} from "./model.js";

/** Jira's own timestamp form: `2026-10-21T07:28:00.000+0000`. */
export function jiraTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json;charset=UTF-8", ...headers },
  });
}

/** Every Jira REST error carries this shape (reference/jira.md §1). */
export function jiraError(
  status: number,
  errorMessages: string[],
  errors: Record<string, string> = {},
  headers: Record<string, string> = {},
): Response {
  return jsonResponse({ errorMessages, errors }, status, headers);
}

export const ISSUE_NOT_FOUND =
  "Issue does not exist or you do not have permission to see it.";

/** Cloud identifies people by `accountId`; Data Center by `name` and `key` (reference §1). */
export type Deployment = "cloud" | "datacenter";

export function renderUser(
  base: string,
  user: SimUser,
  deployment: Deployment = "cloud",
): Record<string, unknown> {
  if (deployment === "datacenter") {
    return {
      self: `${base}/rest/api/2/user?username=${user.name}`,
      name: user.name,
      key: user.name,
      displayName: user.displayName,
      emailAddress: user.emailAddress,
      active: true,
    };
  }
  return {
    self: `${base}/rest/api/3/user?accountId=${user.accountId}`,
    accountId: user.accountId,
    displayName: user.displayName,
    emailAddress: user.emailAddress,
    active: true,
    accountType: "atlassian",
  };
}

export function renderStatus(
  base: string,
  status: SimStatus,
): Record<string, unknown> {
  const category = CATEGORY[status.category];
  return {
    self: `${base}/rest/api/3/status/${status.id}`,
    id: status.id,
    name: status.name,
    statusCategory: {
      self: `${base}/rest/api/3/statuscategory/${category.id}`,
      ...category,
    },
  };
}

export function renderAttachment(
  base: string,
  version: string,
  attachment: SimAttachment,
  deployment: Deployment = "cloud",
): Record<string, unknown> {
  return {
    self: `${base}/rest/api/${version}/attachment/${attachment.id}`,
    id: attachment.id,
    filename: attachment.filename,
    author: renderUser(base, attachment.author, deployment),
    created: jiraTime(attachment.created),
    size: attachment.bytes.length,
    mimeType: attachment.mimeType,
    content: `${base}/rest/api/${version}/attachment/content/${attachment.id}`,
  };
}

export function renderTransition(
  base: string,
  project: SimProject,
  transition: SimTransition,
  withFields: boolean,
): Record<string, unknown> {
  const target = project.workflow.statuses.find((s) => s.id === transition.to);
  const fields: Record<string, unknown> = {};
  if (transition.resolutionOnScreen) {
    fields.resolution = {
      required: true,
      schema: { type: "resolution", system: "resolution" },
      name: "Resolution",
      key: "resolution",
      operations: ["set"],
      allowedValues: [{ name: "Done" }, { name: "Won't Do" }],
    };
  }
  return {
    id: transition.id,
    name: transition.name,
    ...(target === undefined ? {} : { to: renderStatus(base, target) }),
    hasScreen: transition.hasScreen,
    isGlobal: false,
    isInitial: false,
    isAvailable: true,
    isConditional: false,
    isLooped: false,
    ...(withFields ? { fields } : {}),
  };
}

/** The issue as GET /issue answers it, limited to `wanted` fields when the caller asked. */
export function renderIssue(
  base: string,
  version: string,
  project: SimProject,
  issue: SimIssue,
  wanted: Set<string> | null,
  properties: string[] = [],
  deployment: Deployment = "cloud",
): Record<string, unknown> {
  const user = (u: SimUser) => renderUser(base, u, deployment);
  const status = project.workflow.statuses.find((s) => s.id === issue.statusId);
  const all: Record<string, unknown> = {
    ...issue.fields,
    project: { id: project.id, key: project.key, name: project.name },
    status: status === undefined ? null : renderStatus(base, status),
    resolution: issue.resolution === null ? null : { name: issue.resolution },
    attachment: issue.attachments.map((a) =>
      renderAttachment(base, version, a, deployment),
    ),
    reporter: user(issue.reporter),
    // The sandbox creates every issue as closeloop's own user.
    creator: user(issue.reporter),
    comment: {
      comments: issue.comments.map((c) => ({
        id: c.id,
        author: user(c.author),
        updateAuthor: user(c.author),
        body: c.body,
        created: jiraTime(c.created),
        updated: jiraTime(c.created),
      })),
      maxResults: issue.comments.length,
      total: issue.comments.length,
      startAt: 0,
    },
    created: jiraTime(issue.created),
    updated: jiraTime(issue.updated),
  };
  const fields =
    wanted === null || wanted.has("*all")
      ? all
      : Object.fromEntries(Object.entries(all).filter(([k]) => wanted.has(k)));
  const props = Object.fromEntries(
    properties
      .filter((key) => issue.properties.has(key))
      .map((key) => [key, issue.properties.get(key)]),
  );
  return {
    id: issue.id,
    key: issue.key,
    self: `${base}/rest/api/${version}/issue/${issue.id}`,
    fields,
    ...(properties.length > 0 ? { properties: props } : {}),
  };
}
