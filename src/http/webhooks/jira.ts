import { z } from "zod";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import { createReceiver } from "./receiver.js";
import { ReplayGuard } from "./replay-guard.js";
import { failedPaths, header } from "./types.js";
import type { OnHint, WebhookHandler } from "./types.js";

export interface JiraWebhookOptions {
  /** The configured Jira instance id the webhook belongs to. */
  instance: string;
  /** The admin webhook's secret (Jira signs with `X-Hub-Signature: sha256=…`). */
  secret: SecretValue;
  /** closeloop's own account (the adapter's `ownUserId`): its changes are echoes. */
  ownUserId: () => Promise<string>;
  onHint: OnHint;
  logger: Logger;
  now?: () => number;
  /** Deliveries older than this are dropped; Jira retries for about 30 minutes. */
  maxAgeMs?: number;
  guard?: ReplayGuard;
}

const userSchema = z.object({
  accountId: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
});

const payloadSchema = z.object({
  timestamp: z.number(),
  webhookEvent: z.string(),
  user: userSchema.optional(),
  issue: z
    .object({ id: z.union([z.string(), z.number()]).transform(String) })
    .optional(),
  comment: z
    .object({ self: z.string().optional(), author: userSchema.optional() })
    .optional(),
});

const actor = (user: z.infer<typeof userSchema> | undefined) =>
  user?.accountId ?? user?.key ?? user?.name;

/**
 * Jira Cloud admin webhooks (reference/jira.md §4). `comment_*` events carry no issue, only the
 * comment's `self` link `…/issue/{id}/comment/{cid}`, which names the issue id.
 */
export function createJiraWebhookReceiver(
  options: JiraWebhookOptions,
): WebhookHandler {
  return createReceiver({
    itsm: "jira",
    instance: options.instance,
    secret: options.secret,
    signatureHeader: "x-hub-signature",
    ownUserId: options.ownUserId,
    onHint: options.onHint,
    logger: options.logger,
    guard: options.guard ?? new ReplayGuard(),
    now: options.now ?? Date.now,
    maxAgeMs: options.maxAgeMs ?? 60 * 60 * 1000,
    read: (body, req) => {
      const parsed = payloadSchema.safeParse(body);
      if (!parsed.success) return { badFields: failedPaths(parsed.error) };
      const { issue, comment, timestamp, user } = parsed.data;
      const fromComment = /\/issue\/(\d+)\/comment\//.exec(
        comment?.self ?? "",
      )?.[1];
      const ticketId = issue?.id ?? fromComment;
      if (ticketId === undefined) return "no_ticket";

      const deliveryId = header(req, "x-atlassian-webhook-identifier");
      const actorId = actor(user) ?? actor(comment?.author);
      return {
        ticketId,
        order: timestamp,
        sentAt: timestamp,
        ...(deliveryId === undefined ? {} : { deliveryId }),
        ...(actorId === undefined ? {} : { actorId }),
      };
    },
  });
}
