import type { Logger } from "../../logging/logger.js";
import { ItsmError, isItsmError } from "../http/index.js";
import type { TicketDraft, TicketRef } from "../types.js";
import type { SnClient } from "./client.js";
import type { ServiceNowInstanceConfig } from "./config.js";
import {
  RAW,
  listSchema,
  queryValue,
  rawValue,
  singleSchema,
} from "./schema.js";
import type { SnRow } from "./schema.js";

export interface SnContext {
  client: SnClient;
  config: ServiceNowInstanceConfig;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
}

const TABLE = "/api/now/table/change_request";

export function ticketRef(ctx: SnContext, row: SnRow): TicketRef {
  const id = rawValue(row.sys_id);
  const base = ctx.config.baseUrl.replace(/\/+$/, "");
  return {
    itsm: "servicenow",
    instance: ctx.config.id,
    id,
    key: rawValue(row.number),
    url: `${base}/change_request.do?sys_id=${id}`,
  };
}

/**
 * The change carrying this correlation_id, or null. Every returned row is checked: a query part
 * ServiceNow does not understand is dropped silently and would return every change (§0.1).
 */
export async function findByCorrelation(
  ctx: SnContext,
  correlationId: string,
): Promise<TicketRef | null> {
  const response = await ctx.client.request({
    method: "GET",
    path: TABLE,
    params: {
      ...RAW,
      sysparm_query: `correlation_id=${queryValue(correlationId)}^ORDERBYsys_created_on`,
      sysparm_fields: "sys_id,number,correlation_id",
      sysparm_limit: "10",
    },
    idempotent: true,
    schema: listSchema,
  });
  const rows = (response?.body.result ?? []).filter(
    (row) => rawValue(row.correlation_id) === correlationId,
  );
  const first = rows[0];
  if (first === undefined) return null;
  if (rows.length > 1) {
    ctx.logger.warn("ticket.duplicates_found", {
      instance: ctx.config.id,
      correlationId,
      count: rows.length,
    });
  }
  return ticketRef(ctx, first);
}

/**
 * Never two changes for one finding: the caller has looked first (the engine's journaled lookup,
 * reference §11.1), the POST is sent once, and after an ambiguous failure the adapter looks again.
 */
export async function createChange(
  ctx: SnContext,
  draft: TicketDraft,
): Promise<TicketRef> {
  try {
    const response = await ctx.client.request({
      method: "POST",
      path: TABLE,
      params: { ...RAW, sysparm_fields: "sys_id,number,correlation_id,state" },
      data: changeBody(ctx, draft),
      idempotent: false,
      schema: singleSchema,
    });
    const row = response?.body.result ?? {};
    if (rawValue(row.correlation_id) !== draft.correlationId) {
      throw new ItsmError(
        "UNEXPECTED_RESPONSE",
        "created change lacks its correlation_id",
        {
          details: { reason: "correlation_id_missing" },
        },
      );
    }
    const ref = ticketRef(ctx, row);
    ctx.logger.info("ticket.created", {
      findingId: draft.findingFingerprint,
      ticket: ref.key,
    });
    return ref;
  } catch (error) {
    if (!isAmbiguous(error)) throw error;
    return recoverAmbiguousCreate(ctx, draft, error);
  }
}

function isAmbiguous(error: unknown): error is ItsmError {
  if (!isItsmError(error)) return false;
  if (error.code === "INSTANCE_UNAVAILABLE")
    return error.details.reason !== "hibernating";
  return ["AMBIGUOUS_WRITE", "SERVER_ERROR", "UNEXPECTED_RESPONSE"].includes(
    error.code,
  );
}

/**
 * The create may have landed before the answer was lost (cases BR-22). Search again, with
 * backoff, for as long as the search index may lag; only then report the write as failed.
 */
async function recoverAmbiguousCreate(
  ctx: SnContext,
  draft: TicketDraft,
  cause: ItsmError,
): Promise<TicketRef> {
  const windowMs = ctx.config.lookupWindowMs ?? 60_000;
  let waited = 0;
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 15_000)) {
    const found = await findByCorrelation(ctx, draft.correlationId);
    if (found !== null) {
      ctx.logger.warn("ticket.create_recovered", {
        findingId: draft.findingFingerprint,
        ticket: found.key,
        waitedMs: waited,
      });
      return found;
    }
    if (waited >= windowMs) break;
    const step = Math.min(delay, windowMs - waited);
    await ctx.sleep(step);
    waited += step;
  }
  throw new ItsmError(
    "AMBIGUOUS_WRITE",
    "create failed without an answer and no change with its correlation_id appeared",
    {
      cause,
      retryable: true,
      details: { correlationId: draft.correlationId, waitedMs: waited },
    },
  );
}

function changeBody(
  ctx: SnContext,
  draft: TicketDraft,
): Record<string, unknown> {
  const fields = draft.fields;
  // A manual-remediation change has no plan: its mapping's text stands as it is.
  const steps = draft.plan?.actions ?? [];
  const hash = draft.plan?.hash;
  const implementation =
    typeof fields.implementation_plan === "string" &&
    (hash === undefined || fields.implementation_plan.includes(hash))
      ? fields.implementation_plan
      : draft.planText;
  const backout = steps
    .map((a) => `${a.id}. ${a.undo ?? "Cannot be undone: " + a.summary}`)
    .join("\n");
  const test = steps.map((a) => `${a.id}. ${a.verification}`).join("\n");

  return {
    type: "normal",
    ...fields,
    ...(ctx.config.assignmentGroup === undefined
      ? {}
      : { assignment_group: ctx.config.assignmentGroup }),
    implementation_plan: implementation,
    backout_plan: fields.backout_plan ?? backout,
    test_plan: fields.test_plan ?? test,
    correlation_id: draft.correlationId,
    correlation_display: "closeloop",
  };
}
