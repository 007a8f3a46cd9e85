import { matches, parseEncodedQuery, sortRecords } from "./query.js";
import type { SnRecord } from "./query.js";
import { renderRecord } from "./render.js";
import type { DisplayMode, RenderOptions } from "./render.js";
import {
  errorResponse,
  invalidResource,
  jsonResponse,
  notFound,
} from "./responses.js";
import { tableDef } from "./schema.js";
import type { ApprovalPolicy } from "./approval-rules.js";
import { applyChangePatch } from "./state-model.js";
import type { SnStore } from "./store.js";

/** What a route needs from the simulator for one request. */
export interface RouteContext {
  store: SnStore;
  user: string;
  baseUrl: string;
  /** Records a list query must not see yet (search-index lag), with reads left. */
  hidden: Map<string, number>;
  /** True when this state PATCH must answer 200 and change nothing (reference §0.3). */
  swallowStatePatch: () => boolean;
  /** True when this create must be written and its connection then dropped (cases BR-22). */
  dropAfterCreate: () => boolean;
  /** Which approvals a change asks for as it moves, and how they settle. */
  policy: ApprovalPolicy;
}

const DEFAULT_LIMIT = 10_000;

export async function handleTable(
  request: Request,
  url: URL,
  table: string,
  sysId: string | undefined,
  ctx: RouteContext,
): Promise<Response | "drop"> {
  const def = tableDef(table);
  if (def === undefined) return invalidResource();
  const render = renderOptions(url, ctx.baseUrl);

  if (request.method === "GET" && sysId === undefined) {
    return list(url, table, def.fields, render, ctx);
  }
  if (request.method === "POST" && sysId === undefined) {
    const body = await readBody(request);
    if (body === null) return malformed();
    const record = ctx.store.insert(table, body, ctx.user);
    if (table === "change_request") initialiseChange(record, ctx);
    if (table === "change_request" && ctx.dropAfterCreate()) return "drop";
    return jsonResponse(
      { result: renderRecord(ctx.store, table, record, render) },
      201,
      { Location: `${ctx.baseUrl}/api/now/table/${table}/${record.sys_id}` },
    );
  }
  if (sysId === undefined) return invalidResource();

  const record = ctx.store.get(table, sysId);
  if (record === undefined) return notFound();

  switch (request.method) {
    case "GET":
      return jsonResponse({
        result: renderRecord(ctx.store, table, record, render),
      });
    case "PATCH":
    case "PUT": {
      const body = await readBody(request);
      if (body === null) return malformed();
      return patch(table, record, body, render, ctx);
    }
    case "DELETE":
      ctx.store.delete(table, sysId);
      return new Response(null, { status: 204 });
    default:
      return errorResponse(405, "Method not Supported", request.method);
  }
}

function list(
  url: URL,
  table: string,
  fields: readonly string[],
  render: RenderOptions,
  ctx: RouteContext,
): Response {
  const params = url.searchParams;
  const encoded = params.get("sysparm_query") ?? plainPairs(params);
  const query = parseEncodedQuery(encoded, fields);
  const limit = positive(params.get("sysparm_limit"), DEFAULT_LIMIT);
  const offset = positive(params.get("sysparm_offset"), 0);

  const visible = ctx.store.rows(table).filter((r) => {
    const left = ctx.hidden.get(r.sys_id ?? "");
    if (left === undefined || query.conditions.length === 0) return true;
    if (left <= 1) ctx.hidden.delete(r.sys_id ?? "");
    else ctx.hidden.set(r.sys_id ?? "", left - 1);
    return false;
  });
  const all = sortRecords(
    visible.filter((r) => matches(r, query)),
    query.orders,
  );
  const page = all.slice(offset, offset + limit);

  const headers: Record<string, string> = {};
  if (params.get("sysparm_no_count") !== "true") {
    headers["X-Total-Count"] = String(all.length);
  }
  if (params.get("sysparm_suppress_pagination_header") !== "true") {
    headers.Link = linkHeader(url, ctx.baseUrl, offset, limit, all.length);
  }
  const result = page.map((r) => renderRecord(ctx.store, table, r, render));
  return jsonResponse({ result }, 200, headers);
}

function patch(
  table: string,
  record: SnRecord,
  body: SnRecord,
  render: RenderOptions,
  ctx: RouteContext,
): Response {
  if (table.startsWith("sysapproval_")) {
    // Approvals are decided by the approver through the approval UI, never written by an
    // integration (reference §0.10).
    return errorResponse(403, "Operation Failed", "ACL restricts the update");
  }
  if (table !== "change_request") {
    const updated = ctx.store.update(
      table,
      record.sys_id ?? "",
      body,
      ctx.user,
    );
    return jsonResponse({
      result: renderRecord(ctx.store, table, updated, render),
    });
  }

  // `approval` is rolled up from the approver records; a write to it is dropped.
  const dropped = new Set(["approval", "approval_set"]);
  if (body.state !== undefined && ctx.swallowStatePatch()) dropped.add("state");
  const values = Object.fromEntries(
    Object.entries(body).filter(([k]) => !dropped.has(k)),
  );
  const outcome = applyChangePatch(
    ctx.store,
    record,
    values,
    ctx.user,
    ctx.policy,
  );
  if (!outcome.ok) {
    return errorResponse(outcome.status, outcome.message, outcome.detail);
  }
  return jsonResponse({
    result: renderRecord(ctx.store, table, outcome.record, render),
  });
}

function initialiseChange(record: SnRecord, ctx: RouteContext): void {
  const user = ctx.store.rows("sys_user").find((u) => u.user_name === ctx.user);
  record.state = "-5";
  record.approval = "not requested";
  record.active = "true";
  if (record.type === "") record.type = "normal";
  if (record.on_hold === "") record.on_hold = "false";
  if (record.requested_by === "") record.requested_by = user?.sys_id ?? "";
  record.opened_by = user?.sys_id ?? "";
}

export function renderOptions(url: URL, baseUrl: string): RenderOptions {
  const params = url.searchParams;
  const mode = params.get("sysparm_display_value") ?? "false";
  const display: DisplayMode =
    mode === "true" || mode === "all" ? mode : "false";
  const fields = (params.get("sysparm_fields") ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");
  return {
    display,
    fields,
    baseUrl,
    excludeReferenceLink:
      params.get("sysparm_exclude_reference_link") === "true",
  };
}

function linkHeader(
  url: URL,
  baseUrl: string,
  offset: number,
  limit: number,
  total: number,
): string {
  const at = (o: number): string => {
    const next = new URL(`${baseUrl}${url.pathname}${url.search}`);
    next.searchParams.set("sysparm_limit", String(limit));
    next.searchParams.set("sysparm_offset", String(o));
    return `<${next.toString()}>`;
  };
  const lastOffset = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`${at(0)};rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, offset - limit))};rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)};rel="next"`);
  links.push(`${at(lastOffset)};rel="last"`);
  return links.join(",");
}

function plainPairs(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([k]) => !k.startsWith("sysparm_"))
    .map(([k, v]) => `${k}=${v}`)
    .join("^");
}

function positive(value: string | null, fallback: number): number {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** Only the body's first record is used; values become strings, as the platform stores them. */
export async function readBody(request: Request): Promise<SnRecord | null> {
  let parsed: unknown;
  try {
    parsed = await request.json();
  } catch {
    return null;
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (typeof first !== "object" || first === null) return null;
  const out: SnRecord = {};
  for (const [k, v] of Object.entries(first)) {
    if (v === null || v === undefined) out[k] = "";
    else if (typeof v === "object") out[k] = JSON.stringify(v);
    else out[k] = String(v as string | number | boolean);
  }
  return out;
}

function malformed(): Response {
  return errorResponse(
    400,
    "Exception while reading request",
    "The payload is not valid JSON.",
  );
}
