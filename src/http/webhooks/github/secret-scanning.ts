import { z } from "zod";
import { isCloseloopError } from "../../../domain/errors.js";
import type { SecretValue } from "../../../domain/secret.js";
import { parseGithubAlert } from "../../../ingest/formats/github-secret-scanning.js";
import type { IngestRecord } from "../../../ingest/types.js";
import type { Logger } from "../../../logging/logger.js";
import { ReplayGuard } from "../replay-guard.js";
import { verifySha256Signature } from "../signature.js";
import { header } from "../types.js";
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

// [OW] payload-schemas secret_scanning_alert/*: the alert is thin; the repository sits beside it.
const payloadSchema = z.object({
  action: z.string(),
  alert: z
    .object({ number: z.number().int(), secret_type: z.string() })
    .loose(),
  repository: z.object({ full_name: z.string() }).loose(),
});

/** Actions whose name is the new state; any other action needs the alert read again. */
const STATEFUL = new Set(["created", "reopened", "resolved", "revoked"]);

/**
 * The `secret_scanning_alert` webhook: `X-Hub-Signature-256` checked on the raw bytes first
 * (docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries), duplicates dropped by
 * `X-GitHub-Delivery`, and the alert handed on as a record: created/reopened open it, resolved and
 * revoked resolve it. The payload is a hint; with `fetchAlert` the alert itself is re-read.
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
    logger.debug("webhook.ignored", { source, reason, deliveryId });
    return { status: 200, body: { ignored: reason } };
  };

  return async (req, rawBody) => {
    const deliveryId = header(req, "x-github-delivery");
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
    if (!parsed.success) return rejected(400, "payload", deliveryId);
    const { action } = parsed.data;
    const ref = {
      repository: parsed.data.repository.full_name,
      number: parsed.data.alert.number,
    };
    if (!STATEFUL.has(action) && options.fetchAlert === undefined)
      return ignored("action", deliveryId);
    if (deliveryId !== undefined && guard.isDuplicate(deliveryId))
      return ignored("duplicate", deliveryId);

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
      if (deliveryId !== undefined) guard.forget(deliveryId);
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
