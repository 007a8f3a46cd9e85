import { parseJql } from "./jql.js";
import {
  ISSUE_NOT_FOUND,
  jiraError,
  jsonResponse,
  renderAttachment,
  renderIssue,
  renderUser,
} from "./render.js";
import { apiVersion, isRecord } from "./route.js";
import type { Route, RouteContext } from "./route.js";

const API = String.raw`^/rest/api/(2|3)`;

function asText(value: unknown): string {
  return typeof value === "string" || typeof value === "number"
    ? String(value)
    : "";
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string")
    return value.split(",").filter((v) => v !== "");
  return [];
}

interface Hits {
  page: Record<string, unknown>[];
  total: number;
  max: number;
}

/** One page of a search from `offset`, rendered; or the 400 a bad query gets. */
function searchPage(
  context: RouteContext,
  param: (name: string) => unknown,
  offset: number,
): Hits | Response {
  const { sim } = context;
  const predicate = parseJql(asText(param("jql")));
  if (typeof predicate === "string") return jiraError(400, [predicate]);

  sim.searchCount += 1;
  const max = Math.min(
    Number(param("maxResults") ?? 50) || 50,
    sim.maxPageSize,
  );
  const hits = [...sim.issues.values()]
    .filter((i) => i.visibleFromSearch < sim.searchCount && predicate(i))
    .sort((a, b) => Number(a.id) - Number(b.id));
  // Cloud's /search/jql answers ids only without `fields`; Data Center's /search navigable
  // fields (reference/jira.md §2.3).
  const fields = param("fields");
  const wanted =
    fields === undefined && sim.deployment === "datacenter"
      ? null
      : new Set(list(fields));
  const properties = list(param("properties"));
  const page = hits.slice(offset, offset + max).map((issue) => {
    const project = sim.project(issue.projectKey)!;
    return renderIssue(
      context.base,
      apiVersion(context),
      project,
      issue,
      wanted,
      properties,
      sim.deployment,
    );
  });
  return { page, total: hits.length, max };
}

function parameters(context: RouteContext): (name: string) => unknown {
  const body = isRecord(context.json) ? context.json : {};
  return (name) =>
    body[name] ?? context.url.searchParams.get(name) ?? undefined;
}

/** Cloud's `/search/jql`: token paging, `isLast`, no `total`. Not on Data Center. */
function search(context: RouteContext): Response {
  if (context.sim.deployment === "datacenter") return notOnDataCenter();
  const param = parameters(context);
  const offset = decodeToken(param("nextPageToken"));
  const result = searchPage(context, param, offset);
  if (result instanceof Response) return result;
  const isLast = offset + result.max >= result.total;
  return jsonResponse({
    issues: result.page,
    isLast,
    ...(isLast
      ? {}
      : {
          nextPageToken: Buffer.from(String(offset + result.max)).toString(
            "base64url",
          ),
        }),
  });
}

/** `/search`: removed on Cloud (410), Data Center's search with `startAt` and `total`. */
function searchByOffset(context: RouteContext): Response {
  if (context.sim.deployment !== "datacenter") return searchRemoved();
  const param = parameters(context);
  const startAt = Math.max(0, Number(param("startAt") ?? 0) || 0);
  const result = searchPage(context, param, startAt);
  if (result instanceof Response) return result;
  return jsonResponse({
    expand: "schema,names",
    startAt,
    maxResults: result.max,
    total: result.total,
    issues: result.page,
  });
}

/** Data Center has no REST v3 and no `/search/jql`: its REST layer answers 404. */
export function notOnDataCenter(): Response {
  return jiraError(404, ["The requested resource does not exist."]);
}

function decodeToken(token: unknown): number {
  if (typeof token !== "string" || token === "") return 0;
  const offset = Number(Buffer.from(token, "base64url").toString());
  return Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

function searchRemoved(): Response {
  return jiraError(410, [
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. " +
      "A full migration guideline is available at " +
      "https://developer.atlassian.com/changelog/#CHANGE-2046",
  ]);
}

async function addAttachment(context: RouteContext): Promise<Response> {
  const { sim, request } = context;
  const token = request.headers.get("x-atlassian-token");
  // Jira's XSRF filter answers before the resource exists; the body is plain text (BR-14).
  if (token !== "no-check" && token !== "nocheck") {
    return new Response("XSRF check failed", {
      status: 403,
      headers: { "content-type": "text/plain" },
    });
  }
  const issue = sim.findIssue(decodeURIComponent(context.match[2] ?? ""));
  if (issue === undefined) return jiraError(404, [ISSUE_NOT_FOUND]);

  const form = await request.formData().catch(() => null);
  const files = (form?.getAll("file") ?? []).filter(
    (f): f is Exclude<typeof f, string> => typeof f !== "string",
  );
  if (files.length === 0)
    return jiraError(400, ["The request did not contain any file parts."]);
  const attached = [];
  for (const file of files) {
    if (file.size > sim.uploadLimit) {
      return jiraError(413, [`The file ${file.name} is too large to attach.`]);
    }
    const attachment = {
      id: sim.newId(),
      filename: file.name,
      mimeType: file.type || "application/octet-stream",
      bytes: Buffer.from(await file.arrayBuffer()),
      created: sim.now(),
      author: sim.own,
    };
    issue.attachments.push(attachment);
    attached.push(
      renderAttachment(
        context.base,
        apiVersion(context),
        attachment,
        sim.deployment,
      ),
    );
  }
  issue.updated = sim.now();
  return jsonResponse(attached);
}

function attachmentContent(context: RouteContext): Response {
  const id = context.match[2];
  for (const issue of context.sim.issues.values()) {
    const found = issue.attachments.find((a) => a.id === id);
    if (found !== undefined) {
      return new Response(found.bytes, {
        headers: { "content-type": found.mimeType },
      });
    }
  }
  return jiraError(404, ["The attachment does not exist."]);
}

export const otherRoutes: Route[] = [
  { method: "GET", pattern: new RegExp(`${API}/search/jql$`), handle: search },
  { method: "POST", pattern: new RegExp(`${API}/search/jql$`), handle: search },
  {
    method: "GET",
    pattern: new RegExp(`${API}/search$`),
    handle: searchByOffset,
  },
  {
    method: "POST",
    pattern: new RegExp(`${API}/search$`),
    handle: searchByOffset,
  },
  {
    method: "POST",
    pattern: new RegExp(`${API}/issue/([^/]+)/attachments$`),
    handle: addAttachment,
  },
  {
    method: "GET",
    pattern: new RegExp(`${API}/attachment/content/([^/]+)$`),
    handle: attachmentContent,
  },
  {
    method: "GET",
    pattern: new RegExp(`${API}/attachment/meta$`),
    handle: (c) =>
      jsonResponse({ enabled: true, uploadLimit: c.sim.uploadLimit }),
  },
  {
    method: "GET",
    pattern: new RegExp(`${API}/myself$`),
    handle: (c) =>
      jsonResponse(
        c.sim.deployment === "datacenter"
          ? renderUser(c.base, c.sim.own, "datacenter")
          : { ...renderUser(c.base, c.sim.own), name: c.sim.own.name },
      ),
  },
  {
    method: "GET",
    pattern: new RegExp(`${API}/serverInfo$`),
    handle: (c) =>
      jsonResponse({
        baseUrl: c.base,
        // Data Center reports itself as "Server" (inference: the field's two values).
        ...(c.sim.deployment === "datacenter"
          ? { deploymentType: "Server", version: "9.12.0" }
          : { deploymentType: "Cloud", version: "1001.0.0" }),
      }),
  },
];
