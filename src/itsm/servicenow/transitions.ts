import { ItsmError, isItsmError } from "../http/index.js";
import type { TicketRef } from "../types.js";
import type { SnContext } from "./changes.js";
import {
  RAW,
  normaliseState,
  queryValue,
  rawValue,
  singleSchema,
} from "./schema.js";
import type { SnRow } from "./schema.js";

const TABLE = "/api/now/table/change_request";

/** The change's current state and fields, raw; null once it is deleted. */
export async function readChange(
  ctx: SnContext,
  id: string,
  fields: string,
): Promise<SnRow | null> {
  const response = await ctx.client.request({
    method: "GET",
    path: `${TABLE}/${queryValue(id)}`,
    params: { ...RAW, sysparm_fields: fields },
    idempotent: true,
    schema: singleSchema,
    allowNotFound: true,
  });
  return response?.body.result ?? null;
}

/**
 * PATCHes the state and checks that it took: the state model may answer 200 and change nothing
 * (reference §0.3). The PATCH answer is the record as stored; one more read covers rules that
 * settle later. `done` lists states that already count as success (a repeated call).
 */
export async function transition(
  ctx: SnContext,
  ref: TicketRef,
  target: string,
  extra: Record<string, string> = {},
  done: readonly string[] = [target],
): Promise<void> {
  let state: string;
  try {
    const response = await ctx.client.request({
      method: "PATCH",
      path: `${TABLE}/${queryValue(ref.id)}`,
      params: { ...RAW, sysparm_fields: "sys_id,state" },
      data: { state: target, ...extra },
      idempotent: true,
      schema: singleSchema,
    });
    state = normaliseState(rawValue(response?.body.result.state));
  } catch (error) {
    if (!isItsmError(error) || error.code !== "FORBIDDEN") throw error;
    const now = await readChange(ctx, ref.id, "sys_id,state");
    if (now !== null && done.includes(normaliseState(rawValue(now.state))))
      return;
    throw error;
  }
  if (done.includes(state)) return;

  const reread = await readChange(ctx, ref.id, "sys_id,state");
  const actual = normaliseState(rawValue(reread?.state));
  if (done.includes(actual)) return;
  throw new ItsmError(
    "UNEXPECTED_RESPONSE",
    `state did not change to ${target}`,
    {
      details: {
        reason: "state_unchanged",
        ticket: ref.key,
        expected: target,
        actual,
      },
    },
  );
}
