import { z } from "zod";
import { webhookSecretCheck } from "./secret-checks.js";
import { checkedSecretRefSchema } from "./secret-ref.js";

const webhookSecretSchema = checkedSecretRefSchema(webhookSecretCheck);

/** One ITSM instance's webhook: the shared secret its deliveries are signed with. */
export const itsmWebhookSchema = z
  .object({
    secret: webhookSecretSchema,
    /** Deliveries older than this are dropped (Jira retries for about 30 minutes). */
    maxAgeMs: z.number().int().min(1_000).optional(),
  })
  .strict();

/** The GitHub `secret_scanning_alert` webhook (repository, organisation or App). */
export const githubWebhookSchema = z
  .object({
    secret: webhookSecretSchema,
    /**
     * A configured `github-secret-scanning` source: the alert is then re-read over REST with its
     * settings instead of trusting the thin payload (required when that source has
     * `hideSecret: false`, so both key the finding the same way).
     */
    source: z.string().min(1).optional(),
  })
  .strict();

/**
 * `http.webhooks`: which receivers `closeloop run` mounts. ITSM receivers are keyed by the
 * configured instance id and served at `/webhooks/{kind}/{id}`; GitHub's at `/webhooks/github`.
 */
export const webhooksConfigSchema = z
  .object({
    itsm: z.record(z.string().min(1), itsmWebhookSchema).default({}),
    github: githubWebhookSchema.optional(),
  })
  .strict();

/** The path an ITSM instance's webhook is served at. */
export function itsmWebhookPath(kind: string, instance: string): string {
  return `/webhooks/${kind}/${encodeURIComponent(instance)}`;
}

export const GITHUB_WEBHOOK_PATH = "/webhooks/github";

export type WebhooksConfig = z.output<typeof webhooksConfigSchema>;
export type ItsmWebhookConfig = z.output<typeof itsmWebhookSchema>;
export type GithubWebhookConfig = z.output<typeof githubWebhookSchema>;
