import type { SimIssue } from "./model.js";
import {
  ISSUE_NOT_FOUND,
  jiraError,
  jsonResponse,
  renderIssue,
  renderTransition,
  renderUser,
  jiraTime,
} from "./render.js";
import { apiVersion, isRecord } from "./route.js";
import type { Route, RouteContext } from "./route.js";
import { createFieldErrors, richTextError } from "./validate.js";

const API = String.raw`^/rest/api/(2|3)`;
const ISSUE = String.raw`${API}/issue/([^/]+)`;

function text(value: unknown): string {
  return typeof value === "string" || typeof value === "number"
    ? String(value)
    : "";
}

function issueOr404(context: RouteContext): SimIssue | Response {
  const issue = context.sim.findIssue(
    decodeURIComponent(context.match[2] ?? ""),
  );
  return issue ?? jiraError(404, [ISSUE_NOT_FOUND]);
}

function createIssue(context: RouteContext): Response {
  const { sim, json } = context;
  const version = apiVersion(context);
  const fields = isRecord(json) && isRecord(json.fields) ? json.fields : null;
  if (fields === null) return jiraError(400, ["Issue fields are required."]);

  const errors = createFieldErrors(version, fields);
  if (Object.keys(errors).length > 0) return jiraError(400, [], errors);
  const ref = fields.project as Record<string, unknown>;
  const project = sim.project(text(ref.key) || text(ref.id));
  if (project === undefined)
    return jiraError(400, [], { project: "valid project is required" });

  const now = sim.now();
  const id = sim.newId();
  const count = [...sim.issues.values()].filter(
    (i) => i.projectKey === project.key,
  ).length;
  const { project: _p, ...rest } = fields;
  const issue: SimIssue = {
    id,
    key: `${project.key}-${count + 1}`,
    projectKey: project.key,
    statusId: project.workflow.initial,
    resolution: null,
    fields: rest,
    properties: new Map(),
    comments: [],
    attachments: [],
    approvals: [],
    reporter: sim.own,
    created: now,
    updated: now,
    visibleFromSearch: sim.searchCount + sim.searchLag,
  };
  const properties =
    isRecord(json) && Array.isArray(json.properties) ? json.properties : [];
  for (const property of properties) {
    if (isRecord(property) && typeof property.key === "string") {
      issue.properties.set(property.key, property.value);
    }
  }
  if (project.serviceDesk) {
    issue.approvals.push({
      id: sim.newId(),
      name: "Waiting for approval",
      finalDecision: "pending",
      approvers: sim.users
        .filter((u) => u.name.startsWith("cab."))
        .map((user) => ({ user, decision: "pending" })),
      createdAt: now,
      completedAt: null,
    });
  }
  sim.issues.set(id, issue);
  sim.keys.set(issue.key, id);

  const self = `${context.base}/rest/api/${version}/issue/${id}`;
  return jsonResponse({ id, key: issue.key, self }, 201);
}

function getIssue(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const project = context.sim.project(issue.projectKey)!;
  const fields = context.url.searchParams.get("fields");
  const wanted =
    fields === null ? null : new Set(fields.split(",").map((f) => f.trim()));
  const properties = (context.url.searchParams.get("properties") ?? "")
    .split(",")
    .filter((p) => p !== "");
  const version = apiVersion(context);
  const rendered = renderIssue(
    context.base,
    version,
    project,
    issue,
    wanted,
    properties,
    context.sim.deployment,
  );
  // `expand=transitions` (reference/jira.md §2.4): the issue with what the caller may do now.
  const expand = context.url.searchParams.get("expand") ?? "";
  if (!expand.split(",").some((e) => e.trim().startsWith("transitions")))
    return jsonResponse(rendered);
  const withFields = expand.includes("transitions.fields");
  const transitions = available(context, issue).map((t) =>
    renderTransition(context.base, project, t, withFields),
  );
  return jsonResponse({ ...rendered, transitions });
}

function putProperty(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const key = decodeURIComponent(context.match[3] ?? "");
  if (context.json === undefined)
    return jiraError(400, ["The property value must be JSON."]);
  if (JSON.stringify(context.json).length > 32_768) {
    return jiraError(400, ["The property value is too long."]);
  }
  const existed = issue.properties.has(key);
  issue.properties.set(key, context.json);
  return new Response(null, { status: existed ? 200 : 201 });
}

function getProperty(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const key = decodeURIComponent(context.match[3] ?? "");
  if (!issue.properties.has(key)) {
    return jiraError(404, [`The property with key '${key}' does not exist.`]);
  }
  return jsonResponse({ key, value: issue.properties.get(key) });
}

function addComment(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const body = isRecord(context.json) ? context.json.body : undefined;
  const problem = richTextError(apiVersion(context), body);
  if (problem !== null) return jiraError(400, [], { comment: problem });

  const now = context.sim.now();
  const comment = {
    id: context.sim.newId(),
    body,
    author: context.sim.own,
    created: now,
  };
  issue.comments.push(comment);
  issue.updated = now;
  const issuePath = `/rest/api/${apiVersion(context)}/issue/${issue.id}`;
  const self = `${context.base}${issuePath}/comment/${comment.id}`;
  const author = renderUser(
    context.base,
    comment.author,
    context.sim.deployment,
  );
  const created = jiraTime(now);
  return jsonResponse(
    {
      self,
      id: comment.id,
      author,
      updateAuthor: author,
      body,
      created,
      updated: created,
      jsdPublic: true,
    },
    201,
  );
}

function available(context: RouteContext, issue: SimIssue) {
  const project = context.sim.project(issue.projectKey)!;
  return project.workflow.transitions.filter((t) =>
    t.from.includes(issue.statusId),
  );
}

function getTransitions(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const project = context.sim.project(issue.projectKey)!;
  const withFields = (context.url.searchParams.get("expand") ?? "").includes(
    "transitions.fields",
  );
  const transitions = available(context, issue).map((t) =>
    renderTransition(context.base, project, t, withFields),
  );
  return jsonResponse({ expand: "transitions", transitions });
}

function doTransition(context: RouteContext): Response {
  const issue = issueOr404(context);
  if (issue instanceof Response) return issue;
  const json = isRecord(context.json) ? context.json : {};
  const id = isRecord(json.transition) ? String(json.transition.id) : "";
  const transition = available(context, issue).find((t) => t.id === id);
  if (transition === undefined) {
    return jiraError(400, [
      `Transition id '${id}' is not valid for this issue.`,
    ]);
  }
  const fields = isRecord(json.fields) ? json.fields : {};
  if (fields.resolution !== undefined && !transition.resolutionOnScreen) {
    return jiraError(400, [], {
      resolution:
        "Field 'resolution' cannot be set. It is not on the appropriate screen, or unknown.",
    });
  }
  if (transition.resolutionOnScreen && !isRecord(fields.resolution)) {
    return jiraError(400, [], { resolution: "Resolution is required." });
  }

  const project = context.sim.project(issue.projectKey)!;
  const target = project.workflow.statuses.find((s) => s.id === transition.to)!;
  issue.statusId = target.id;
  const resolution = isRecord(fields.resolution)
    ? String(fields.resolution.name)
    : "Done";
  issue.resolution = target.category === "done" ? resolution : null;
  issue.updated = context.sim.now();
  return new Response(null, { status: 204 });
}

export const issueRoutes: Route[] = [
  { method: "POST", pattern: new RegExp(`${API}/issue$`), handle: createIssue },
  { method: "GET", pattern: new RegExp(`${ISSUE}$`), handle: getIssue },
  {
    method: "PUT",
    pattern: new RegExp(`${ISSUE}/properties/([^/]+)$`),
    handle: putProperty,
  },
  {
    method: "GET",
    pattern: new RegExp(`${ISSUE}/properties/([^/]+)$`),
    handle: getProperty,
  },
  {
    method: "POST",
    pattern: new RegExp(`${ISSUE}/comment$`),
    handle: addComment,
  },
  {
    method: "GET",
    pattern: new RegExp(`${ISSUE}/transitions$`),
    handle: getTransitions,
  },
  {
    method: "POST",
    pattern: new RegExp(`${ISSUE}/transitions$`),
    handle: doTransition,
  },
];
