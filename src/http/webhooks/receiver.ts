import type { IncomingMessage } from "node:http";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import type { ItsmKind } from "../../itsm/types.js";
import { bodyKey } from "./replay-guard.js";
import type { ReplayGuard } from "./replay-guard.js";
import { verifySha256Signature } from "./signature.js";
import type { SignatureEncoding } from "./signature.js";
import { isJsonRequest, REPLAYED } from "./types.js";
import type { OnHint, WebhookHandler, WebhookResult } from "./types.js";

/** What one ITSM's payload says, once its signature has been checked. */
export interface WebhookEvent {
  ticketId: string;
  /**
   * Event time in ms, or another number that grows with each change of the record. A delivery
   * whose order is not above the last one handled for the record is old.
   */
  order: number;
  /** Milliseconds since the epoch, when the payload says; for the age check. */
  sentAt?: number;
  /** The sender's id for the delivery; from a header, so never the only key of a duplicate. */
  deliveryId?: string;
  actorId?: string;
}

export interface ReceiverOptions {
  itsm: ItsmKind;
  instance: string;
  secret: SecretValue;
  signatureHeader: string;
  /** How the sender writes the MAC; default hex only. */
  signatureEncodings?: readonly SignatureEncoding[];
  ownUserId: () => Promise<string>;
  onHint: OnHint;
  logger: Logger;
  guard: ReplayGuard;
  now: () => number;
  maxAgeMs: number;
  /** Reads the event from the parsed body and headers, or names the fields that are not usable. */
  read(
    body: unknown,
    req: IncomingMessage,
  ): WebhookEvent | BadPayload | "no_ticket";
}

/** The paths of the payload's wrong or missing fields (never their values). */
export interface BadPayload {
  badFields: string[];
}

/**
 * The shared path of every receiver: JSON only, signature on the raw bytes, then parse, then drop
 * duplicates (by delivery id and by the hash of the signed body), old and out-of-order deliveries
 * and closeloop's own echoes; what is left becomes a hint.
 */
export function createReceiver(options: ReceiverOptions): WebhookHandler {
  const { itsm, instance, logger } = options;
  const ignored = (
    reason: string,
    fields: Record<string, unknown> = {},
  ): WebhookResult => {
    // A replay may be someone probing: worth seeing, unlike an echo or an unrelated event.
    const level = REPLAYED.has(reason) ? "info" : "debug";
    logger[level]("webhook.ignored", { itsm, instance, reason, ...fields });
    return { status: 200, body: { ignored: reason } };
  };
  const rejected = (
    status: number,
    reason: string,
    fields?: string[],
  ): WebhookResult => {
    const named = fields === undefined ? {} : { fields };
    logger.warn("webhook.rejected", { itsm, instance, reason, ...named });
    return { status, body: { error: reason, ...named } };
  };

  return async (req, rawBody) => {
    if (!isJsonRequest(req)) return rejected(415, "content_type");
    const signature = req.headers[options.signatureHeader.toLowerCase()];
    const given = Array.isArray(signature) ? signature[0] : signature;
    const encodings = options.signatureEncodings ?? ["hex"];
    if (!verifySha256Signature(given, rawBody, options.secret, encodings))
      return rejected(401, "signature");

    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString("utf8"));
    } catch {
      return rejected(400, "payload");
    }
    const event = options.read(parsed, req);
    if (event === "no_ticket") return ignored("no_ticket");
    if ("badFields" in event) return rejected(400, "payload", event.badFields);

    const fields = { ticketId: event.ticketId, deliveryId: event.deliveryId };
    const keys = [bodyKey(rawBody)];
    if (event.deliveryId !== undefined)
      keys.push(`delivery:${event.deliveryId}`);
    if (options.guard.isDuplicate(...keys)) return ignored("duplicate", fields);
    if (
      event.sentAt !== undefined &&
      options.now() - event.sentAt > options.maxAgeMs
    ) {
      return ignored("stale", fields);
    }
    const recordKey = `${instance}:${event.ticketId}`;
    if (options.guard.isOutOfOrder(recordKey, event.order)) {
      return ignored("out_of_order", { ...fields, order: event.order });
    }
    const own = await options.ownUserId().catch(() => null);
    if (own !== null && event.actorId !== undefined && event.actorId === own) {
      options.guard.recordOrder(recordKey, event.order);
      return ignored("echo", fields);
    }

    try {
      await options.onHint({ itsm, instance, ticketId: event.ticketId });
    } catch (error) {
      // Let the sender retry: forget the delivery so the retry is not taken for a duplicate.
      options.guard.forget(...keys);
      logger.error("webhook.hint_failed", {
        itsm,
        instance,
        ...fields,
        error: String(error),
      });
      return { status: 500, body: { error: "hint_failed" } };
    }
    options.guard.recordOrder(recordKey, event.order);
    logger.info("webhook.accepted", { itsm, instance, ...fields });
    return { status: 202, body: { accepted: true } };
  };
}
