import { z } from "zod";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import { createReceiver } from "./receiver.js";
import { ReplayGuard } from "./replay-guard.js";
import { failedPaths, header } from "./types.js";
import type { OnHint, WebhookHandler } from "./types.js";

export interface ServiceNowWebhookOptions {
  instance: string;
  /** The shared secret the business rule signs with (docs/servicenow-webhook.md). */
  secret: SecretValue;
  /** The sys_id of closeloop's own ServiceNow user: its updates are echoes. */
  ownUserId: () => Promise<string>;
  onHint: OnHint;
  logger: Logger;
  now?: () => number;
  maxAgeMs?: number;
  guard?: ReplayGuard;
}

/** The body the business rule in docs/servicenow-webhook.md sends. */
const payloadSchema = z.object({
  table: z.string(),
  sys_id: z.string().regex(/^[0-9a-f]{32}$/),
  sys_mod_count: z.coerce.number().int().min(0),
  /** `yyyy-MM-dd HH:mm:ss` in UTC (the script sends getValue, not the display value). */
  sys_updated_on: z.string(),
  updated_by_id: z.string().optional(),
});

function utcMillis(value: string): number | undefined {
  const ms = Date.parse(`${value.replace(" ", "T")}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * ServiceNow has no signed webhooks of its own: a business rule posts the changed record's id
 * through an outbound REST message signed with a shared secret (`X-Closeloop-Signature`).
 * `sys_mod_count` grows with every update, so it orders deliveries exactly.
 */
export function createServiceNowWebhookReceiver(
  options: ServiceNowWebhookOptions,
): WebhookHandler {
  return createReceiver({
    itsm: "servicenow",
    instance: options.instance,
    secret: options.secret,
    signatureHeader: "x-closeloop-signature",
    // A business rule's generateMac answers base64; hex is what other senders (and tests) write.
    signatureEncodings: ["hex", "base64"],
    ownUserId: options.ownUserId,
    onHint: options.onHint,
    logger: options.logger,
    guard: options.guard ?? new ReplayGuard(),
    now: options.now ?? Date.now,
    maxAgeMs: options.maxAgeMs ?? 60 * 60 * 1000,
    read: (body, req) => {
      const parsed = payloadSchema.safeParse(body);
      if (!parsed.success) return { badFields: failedPaths(parsed.error) };
      const event = parsed.data;
      const sentAt = utcMillis(event.sys_updated_on);
      const deliveryId =
        header(req, "x-closeloop-delivery") ??
        `${event.sys_id}:${event.sys_mod_count}`;
      return {
        ticketId: event.sys_id,
        order: event.sys_mod_count,
        deliveryId,
        ...(sentAt === undefined ? {} : { sentAt }),
        ...(event.updated_by_id === undefined
          ? {}
          : { actorId: event.updated_by_id }),
      };
    },
  });
}
