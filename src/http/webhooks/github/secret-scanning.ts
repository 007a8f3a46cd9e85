import { z } from "zod";
import { isCloseloopError } from "../../../domain/errors.js";
import type { SecretValue } from "../../../domain/secret.js";
import { parseGithubAlert } from "../../../ingest/formats/github-secret-scanning.js";
import type { IngestRecord } from "../../../ingest/types.js";
import type { Logger } from "../../../logging/logger.js";
import { bodyKey, ReplayGuard } from "../replay-guard.js";
import { verifySha256Signature } from "../signature.js";
import { failedPaths, header, isJsonRequest } from "../types.js";
import type { WebhookHandler, WebhookResult } from "../types.js";

export interface AlertRef {
  /** `owner/name`. */
  repository: string;
  number: number;
}

export interface GithubAlertWebhookOptions {
  /** The webhook's secret, as configured on the GitHub repository, organisation or App. */
  secret: SecretValue;
  onFindings: (records: IngestRecord[]) => Promise<void> | void;
  logger: Logger;
  /**
   * Re-reads the alert over REST (`fetchGithubAlert` with the pull's own source). Required when
   * the pull runs with `hideSecret: false`, so both key the finding the same way; also lets
   * actions that carry no state (`validated`, `assigned`…) be acted on.
   */
  fetchAlert?: (alert: AlertRef) => Promise<IngestRecord>;
  guard?: ReplayGuard;
  now?: () => Date;
}

const isoDate = z.iso.datetime({ offset: true });

// [OW] payload-schemas secret_scanning_alert/*: the alert is thin; the repository sits beside it.
// Strict where a wrong value would become a wrong finding; other fields pass as GitHub sends them.
const payloadSchema = z.object({
  action: z.enum([
    "created",
    "reopened",
    "resolved",
    "revoked",
    "validated",
    "assigned",
    "unassigned",
    "publicly_leaked",
  ]),
  alert: z
    .object({
      number: z.number().int().positive(),
      secret_type: z.string().min(1),
      created_at: isoDate.optional(),
      updated_at: isoDate.nullish(),
      resolved_at: isoDate.nullish(),
      resolution: z.string().min(1).nullish(),
      secret: z.string().min(1).optional(),
    })
    .loose(),
  repository: z
    .object({ full_name: z.string().regex(/^[\w.-]+\/[\w.-]+$/) })
    .loose(),
});

/** Actions whose name is the new state; any other action needs the alert read again. */
const STATEFUL = new Set(["created", "reopened", "resolved", "revoked"]);

/**
 * The `secret_scanning_alert` webhook: JSON only, `X-Hub-Signature-256` checked on the raw bytes
 * first (docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries), duplicates dropped
 * by `X-GitHub-Delivery` and by the hash of the signed body (the header is not signed, so a replay
 * may come with a new one), and the alert handed on as a record: created/reopened open it,
 * resolved and revoked resolve it. The payload is a hint; with `fetchAlert` the alert is re-read.
 */
export function createGithubAlertWebhookReceiver(
  options: GithubAlertWebhookOptions,
): WebhookHandler {
  const { logger } = options;
  const guard = options.guard ?? new ReplayGuard();
  const now = options.now ?? (() => new Date());
  const source = "github-secret-scanning";
  const rejected = (status: number, reason: string, deliveryId?: string) => {
    logger.warn("webhook.rejected", { source, reason, deliveryId });
    return { status, body: { error: reason } };
  };
  const ignored = (reason: string, deliveryId?: string): WebhookResult => {
    const level = reason === "duplicate" ? "info" : "debug";
    logger[level]("webhook.ignored", { source, reason, deliveryId });
    return { status: 200, body: { ignored: reason } };
  };

  return async (req, rawBody) => {
    const deliveryId = header(req, "x-github-delivery");
    if (!isJsonRequest(req)) return rejected(415, "content_type", deliveryId);
    const signature = header(req, "x-hub-signature-256");
    if (!verifySha256Signature(signature, rawBody, options.secret))
      return rejected(401, "signature", deliveryId);

    const event = header(req, "x-github-event");
    if (event === "ping") return { status: 200, body: { pong: true } };
    if (event !== "secret_scanning_alert") return ignored("event", deliveryId);

    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString("utf8"));
    } catch {
      return rejected(400, "payload", deliveryId);
    }
    const parsed = payloadSchema.safeParse(body);
    if (!parsed.success) {
      const fields = failedPaths(parsed.error);
      logger.warn("webhook.rejected", {
        source,
        reason: "payload",
        deliveryId,
        fields,
      });
      return { status: 400, body: { error: "payload", fields } };
    }
    const { action } = parsed.data;
    const ref = {
      repository: parsed.data.repository.full_name,
      number: parsed.data.alert.number,
    };
    if (!STATEFUL.has(action) && options.fetchAlert === undefined)
      return ignored("action", deliveryId);
    const keys = [bodyKey(rawBody)];
    if (deliveryId !== undefined) keys.push(`delivery:${deliveryId}`);
    if (guard.isDuplicate(...keys)) return ignored("duplicate", deliveryId);

    const fields = { source, deliveryId, action, ...ref };
    try {
      const record = options.fetchAlert
        ? await options.fetchAlert(ref)
        : parseGithubAlert(asStated(parsed.data), now().toISOString());
      await options.onFindings([record]);
      logger.info("webhook.accepted", {
        ...fields,
        status: record.finding.status,
      });
      return { status: 202, body: { accepted: true } };
    } catch (error) {
      // Let a redelivery through: this one did not reach closeloop.
      guard.forget(...keys);
      logger.error("webhook.findings_failed", {
        ...fields,
        error: isCloseloopError(error) ? error.code : "UNEXPECTED",
      });
      return { status: 500, body: { error: "findings_failed" } };
    }
  };
}

// `revoked` is GitHub resolving the alert itself with resolution `revoked`; ingest's parser
// knows `resolved`, so it is passed on as that.
function asStated(payload: z.infer<typeof payloadSchema>): unknown {
  if (payload.action !== "revoked") return payload;
  return {
    ...payload,
    action: "resolved",
    alert: { ...payload.alert, resolution: "revoked" },
  };
}
