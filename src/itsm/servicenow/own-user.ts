import { ItsmError } from "../http/index.js";
import type { SnContext } from "./changes.js";
import { RAW, listSchema, queryValue, rawValue } from "./schema.js";

/**
 * The sys_id of closeloop's own user, looked up once by user_name: approvals by this user never
 * count. A failed lookup is not cached, so the next call tries again.
 */
export function ownUserLookup(ctx: SnContext): () => Promise<string> {
  let pending: Promise<string> | null = null;
  return () => {
    pending ??= lookUp(ctx).catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}

async function lookUp(ctx: SnContext): Promise<string> {
  const userName = ctx.config.integrationUser;
  const response = await ctx.client.request({
    method: "GET",
    path: "/api/now/table/sys_user",
    params: {
      ...RAW,
      sysparm_query: `user_name=${queryValue(userName)}`,
      sysparm_fields: "sys_id,user_name",
      sysparm_limit: "2",
    },
    idempotent: true,
    schema: listSchema,
  });
  // Check the row: a query part the instance does not understand would return every user.
  const row = (response?.body.result ?? []).find(
    (r) => rawValue(r.user_name) === userName,
  );
  if (row === undefined) {
    throw new ItsmError(
      "NOT_FOUND",
      `integration user ${userName} not found: check itsm.${ctx.config.id}.integrationUser`,
      { details: { instance: ctx.config.id } },
    );
  }
  return rawValue(row.sys_id);
}
