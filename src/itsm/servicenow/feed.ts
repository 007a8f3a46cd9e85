import { ItsmError } from "../http/index.js";
import type { TicketChange } from "../types.js";
import type { SnContext } from "./changes.js";
import { DEFAULT_CORRELATION_PREFIX } from "./config.js";
import {
  RAW,
  glideToIso,
  isoToGlide,
  listSchema,
  queryValue,
  rawValue,
} from "./schema.js";
import type { SnRow } from "./schema.js";

/** Re-read this much before the cursor: `sys_updated_on` has one-second resolution. */
const OVERLAP_MS = 60_000;
const PAGE_SIZE = 1_000;

/**
 * One query for every change of closeloop's updated since the cursor (reference §8), following
 * `Link: rel="next"` to the end. A short page is not the end: the limit applies before ACLs
 * (§0.2, cases BR-09). A failing page fails the whole scan, so nobody reads a partial list as the
 * truth.
 */
export async function listChangedSince(
  ctx: SnContext,
  cursor: string | null,
  pageSize = PAGE_SIZE,
): Promise<{ ids: string[]; changes: TicketChange[]; cursor: string }> {
  const prefix = ctx.config.correlationPrefix ?? DEFAULT_CORRELATION_PREFIX;
  const conditions = [`correlation_idSTARTSWITH${queryValue(prefix)}`];
  if (cursor !== null) {
    const since = new Date(Date.parse(cursor) - OVERLAP_MS);
    if (Number.isNaN(since.getTime())) {
      throw new ItsmError("PAYLOAD_SCHEMA", "poll cursor is not an ISO date", {
        details: { cursor },
      });
    }
    conditions.push(`sys_updated_on>=${isoToGlide(since)}`);
  }
  conditions.push("ORDERBYsys_updated_on", "ORDERBYsys_id");

  // Rows come oldest first, so a later row of the same change overwrites an earlier one.
  const changes = new Map<string, TicketChange>();
  let newest = cursor ?? "";
  let path: string | null = "/api/now/table/change_request";
  let params: Record<string, string> | undefined = {
    ...RAW,
    sysparm_query: conditions.join("^"),
    sysparm_fields:
      "sys_id,correlation_id,sys_updated_on,sys_updated_by,sys_mod_count",
    sysparm_limit: String(pageSize),
  };

  for (let page = 0; path !== null; page += 1) {
    const response = await ctx.client.request({
      method: "GET",
      path,
      ...(params === undefined ? {} : { params }),
      idempotent: true,
      schema: listSchema,
    });
    for (const row of response?.body.result ?? []) {
      if (!rawValue(row.correlation_id).startsWith(prefix)) continue;
      const updated = glideToIso(rawValue(row.sys_updated_on)) ?? "";
      if (updated > newest) newest = updated;
      changes.set(rawValue(row.sys_id), changeOf(ctx, row, updated));
    }
    path = nextLink(response?.headers.link);
    params = undefined;
    if (page > 100_000)
      throw new ItsmError("UNEXPECTED_RESPONSE", "pagination never ends");
  }

  return {
    ids: [...changes.keys()],
    changes: [...changes.values()],
    cursor: newest === "" ? ctx.now().toISOString() : newest,
  };
}

/** `sys_updated_by`, a system field of every table, holds the last writer's user_name. */
function changeOf(ctx: SnContext, row: SnRow, updatedAt: string): TicketChange {
  const change: TicketChange = { id: rawValue(row.sys_id) };
  const by = rawValue(row.sys_updated_by);
  if (by !== "") {
    change.updatedBy = by;
    change.byOwnUser = by === ctx.config.integrationUser;
  }
  if (updatedAt !== "") change.updatedAt = updatedAt;
  const count = rawValue(row.sys_mod_count);
  if (count !== "") change.version = count;
  return change;
}

/** The `rel="next"` URL of a Link header, or null at the last page. */
export function nextLink(header: string | undefined): string | null {
  if (header === undefined) return null;
  for (const part of header.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (match?.[1] !== undefined) return match[1];
  }
  return null;
}
