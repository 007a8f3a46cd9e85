import type { Logger } from "../../logging/logger.js";
import {
  createRequestLimiter,
  realSleep,
  requestReporter,
} from "../http/index.js";
import type { ItsmRequestMetrics } from "../http/index.js";
import type { ItsmAdapter, TicketRef } from "../types.js";
import { readApproval } from "./approvals.js";
import { attach, listAttachments } from "./attachments.js";
import { createAuthProvider } from "./auth.js";
import { createChange, findByCorrelation } from "./changes.js";
import type { SnContext } from "./changes.js";
import { SnClient } from "./client.js";
import type { ServiceNowInstanceConfig } from "./config.js";
import { listChangedSince } from "./feed.js";
import { readChange, transition } from "./transitions.js";
import { HealthTracker } from "./health.js";
import type { InstanceHealth } from "./health.js";
import { ownUserLookup } from "./own-user.js";
import {
  CHANGE_STATES as S,
  normaliseState,
  queryValue,
  rawValue,
  singleSchema,
} from "./schema.js";

export interface ServiceNowAdapterDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
  /** Counts every HTTP request by status (`/metrics`). */
  metrics?: ItsmRequestMetrics;
}

export type ServiceNowAdapter = ItsmAdapter & { health(): InstanceHealth };

/** The ServiceNow side of closeloop for one instance, following reference §11 step by step. */
export function createServiceNowAdapter(
  config: ServiceNowInstanceConfig,
  deps: ServiceNowAdapterDeps,
): ServiceNowAdapter {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const logger = deps.logger.child({ itsm: "servicenow", instance: config.id });
  const health = new HealthTracker(now);
  const client = new SnClient({
    instance: config.id,
    baseUrl: config.baseUrl,
    auth: createAuthProvider(config, deps.env, now),
    limiter: createRequestLimiter({
      ratePerSecond: config.ratePerSecond ?? 20,
    }),
    health,
    logger,
    sleep,
    now,
    onRequest: requestReporter(deps.metrics, config.id),
  });
  const ctx: SnContext = { client, config, logger, sleep, now };

  return {
    kind: "servicenow",
    instance: config.id,
    ownUserId: ownUserLookup(ctx),
    health: () => health.get(),
    findByCorrelation: (correlationId) => findByCorrelation(ctx, correlationId),
    create: (draft) => createChange(ctx, draft),
    // Assess, or anything past it, means approval was already requested (a repeated call).
    requestApproval: (ref) =>
      transition(ctx, ref, S.assess, {}, [
        S.assess,
        S.authorize,
        S.scheduled,
        S.implement,
      ]),
    readApproval: (ref) => readApproval(ctx, ref),
    startWork: async (ref) => {
      await transition(ctx, ref, S.implement);
      logger.info("ticket.work_started", { ticket: ref.key });
    },
    addNote: async (ref, text) => {
      await client.request({
        method: "PATCH",
        path: `/api/now/table/change_request/${queryValue(ref.id)}`,
        params: { sysparm_fields: "sys_id" },
        data: { work_notes: text },
        idempotent: true,
        schema: singleSchema,
      });
    },
    attach: (ref, file) => attach(ctx, ref, file),
    listAttachments: (ref) => listAttachments(ctx, ref),
    close: (ref, outcome) => closeChange(ctx, ref, outcome),
    readStatus: async (ref) => {
      const row = await readChange(ctx, ref.id, "sys_id,number,state");
      if (row === null)
        return { lifecycle: "deleted", rawState: "", key: ref.key };
      const state = normaliseState(rawValue(row.state));
      const lifecycle =
        state === S.closed
          ? "closed"
          : state === S.canceled
            ? "canceled"
            : "open";
      return {
        lifecycle,
        rawState: state,
        key: rawValue(row.number) || ref.key,
      };
    },
    listChangedSince: (cursor) => listChangedSince(ctx, cursor),
  };
}

/** Implement → Review → Closed; Closed cannot be reached in one step (reference §0.3, §11.7). */
async function closeChange(
  ctx: SnContext,
  ref: TicketRef,
  outcome: { successful: boolean; notes: string },
): Promise<void> {
  await transition(ctx, ref, S.review, {}, [S.review, S.closed]);
  await transition(ctx, ref, S.closed, {
    close_code: outcome.successful ? "successful" : "unsuccessful",
    close_notes: outcome.notes,
  });
  ctx.logger.info("ticket.closed", {
    ticket: ref.key,
    successful: outcome.successful,
  });
}
