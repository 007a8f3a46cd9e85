import { ItsmError, isItsmError } from "../http/index.js";
import type { TicketRef, TicketStatus } from "../types.js";
import type { SnContext } from "./changes.js";
import {
  CHANGE_STATES as S,
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

/** The change's lifecycle as a row shows it; a change nobody can find any more is deleted. */
export function statusOf(row: SnRow | null, ref: TicketRef): TicketStatus {
  if (row === null) return { lifecycle: "deleted", rawState: "", key: ref.key };
  const state = normaliseState(rawValue(row.state));
  const lifecycle =
    state === S.closed ? "closed" : state === S.canceled ? "canceled" : "open";
  return { lifecycle, rawState: state, key: rawValue(row.number) || ref.key };
}

export async function readStatus(
  ctx: SnContext,
  ref: TicketRef,
): Promise<TicketStatus> {
  return statusOf(await readChange(ctx, ref.id, "sys_id,number,state"), ref);
}

/**
 * Implement → Review with the verification's work note on the same PATCH (reference §4: a journal
 * field is written like any other). The answer is the record as stored, so Review there proves the
 * move (§0.3) and nothing is read again; a refusal, or a 200 that left the state, is settled by one
 * read. A change a person closed, canceled or deleted answers with that lifecycle, not an error.
 */
export async function finishWork(
  ctx: SnContext,
  ref: TicketRef,
  note: string,
): Promise<TicketStatus> {
  let answered: TicketStatus | null = null;
  try {
    const response = await ctx.client.request({
      method: "PATCH",
      path: `${TABLE}/${queryValue(ref.id)}`,
      params: { ...RAW, sysparm_fields: "sys_id,number,state" },
      data: { state: S.review, work_notes: note },
      idempotent: true,
      schema: singleSchema,
      allowNotFound: true,
    });
    answered = statusOf(response?.body.result ?? null, ref);
  } catch (error) {
    if (!isItsmError(error) || error.code !== "FORBIDDEN") throw error;
  }
  if (answered !== null && answered.lifecycle !== "open") return answered;
  if (answered?.rawState === S.review) return answered;

  const now = await readStatus(ctx, ref);
  if (now.lifecycle !== "open" || now.rawState === S.review) return now;
  throw new ItsmError(
    "UNEXPECTED_RESPONSE",
    `state did not change to ${S.review}`,
    {
      details: {
        reason: "state_unchanged",
        ticket: ref.key,
        expected: S.review,
        actual: now.rawState,
      },
    },
  );
}
