import type { Logger } from "../../logging/logger.js";
import {
  createRequestLimiter,
  realSleep,
  requestReporter,
} from "../http/index.js";
import type { ItsmRequestMetrics } from "../http/index.js";
import type { CloseOutcome, ItsmAdapter, TicketRef } from "../types.js";
import { readApproval } from "./approvals.js";
import { attach, listAttachments, readBack } from "./attachments.js";
import { createAuthProvider } from "./auth.js";
import { createChange, findByCorrelation } from "./changes.js";
import type { SnContext } from "./changes.js";
import { SnClient } from "./client.js";
import type { ServiceNowInstanceConfig } from "./config.js";
import { listChangedSince } from "./feed.js";
import { finishWork, readStatus, transition } from "./transitions.js";
import { HealthTracker } from "./health.js";
import type { InstanceHealth } from "./health.js";
import { ownUserLookup } from "./own-user.js";
import { CHANGE_STATES as S, queryValue, singleSchema } from "./schema.js";

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
  const onRequest = requestReporter(deps.metrics, config.id);
  const client = new SnClient({
    instance: config.id,
    baseUrl: config.baseUrl,
    auth: createAuthProvider(config, deps.env, now, onRequest),
    limiter: createRequestLimiter({
      ratePerSecond: config.ratePerSecond ?? 20,
    }),
    health,
    logger,
    sleep,
    now,
    onRequest,
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
    finishWork: async (ref, note) => {
      const status = await finishWork(ctx, ref, note);
      logger.info("ticket.work_finished", { ticket: ref.key });
      return status;
    },
    attach: (ref, file) => attach(ctx, ref, file),
    listAttachments: (ref) => listAttachments(ctx, ref),
    readBack: (ref, attached) => readBack(ctx, ref, attached),
    close: (ref, outcome) => closeChange(ctx, ref, outcome),
    readStatus: (ref) => readStatus(ctx, ref),
    listChangedSince: (cursor) => listChangedSince(ctx, cursor),
  };
}

/**
 * Implement → Review → Closed; Closed cannot be reached in one step (reference §0.3, §11.7). A
 * change seen in Review this pass (`finishWork` moved it there) takes only the last step.
 */
async function closeChange(
  ctx: SnContext,
  ref: TicketRef,
  outcome: CloseOutcome,
): Promise<void> {
  if (outcome.ticketState !== S.review)
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
