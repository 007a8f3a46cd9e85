import type { IncomingMessage } from "node:http";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import type { ItsmKind } from "../../itsm/types.js";
import type { ReplayGuard } from "./replay-guard.js";
import { verifySha256Signature } from "./signature.js";
import type { SignatureEncoding } from "./signature.js";
import type { OnHint, WebhookHandler, WebhookResult } from "./types.js";

/** What one ITSM's payload says, once its signature has been checked. */
export interface WebhookEvent {
  ticketId: string;
  /** Event time in ms, or another number that grows with each change of the record. */
  order: number;
  /** Milliseconds since the epoch, when the payload says; for the age check. */
  sentAt?: number;
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
  /** Reads the event from the parsed body and headers; null when the payload is not usable. */
  read(body: unknown, req: IncomingMessage): WebhookEvent | null | "no_ticket";
}

/**
 * The shared path of every receiver: signature on the raw bytes, then parse, then drop duplicates,
 * old, out-of-order deliveries and closeloop's own echoes; what is left becomes a hint.
 */
export function createReceiver(options: ReceiverOptions): WebhookHandler {
  const { itsm, instance, logger } = options;
  const ignored = (
    reason: string,
    fields: Record<string, unknown> = {},
  ): WebhookResult => {
    logger.debug("webhook.ignored", { itsm, instance, reason, ...fields });
    return { status: 200, body: { ignored: reason } };
  };
  const rejected = (status: number, reason: string): WebhookResult => {
    logger.warn("webhook.rejected", { itsm, instance, reason });
    return { status, body: { error: reason } };
  };

  return async (req, rawBody) => {
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
    if (event === null) return rejected(400, "payload");
    if (event === "no_ticket") return ignored("no_ticket");

    const fields = { ticketId: event.ticketId, deliveryId: event.deliveryId };
    if (
      event.deliveryId !== undefined &&
      options.guard.isDuplicate(event.deliveryId)
    ) {
      return ignored("duplicate", fields);
    }
    if (
      event.sentAt !== undefined &&
      options.now() - event.sentAt > options.maxAgeMs
    ) {
      return ignored("stale", fields);
    }
    if (
      options.guard.isOutOfOrder(`${instance}:${event.ticketId}`, event.order)
    ) {
      return ignored("out_of_order", fields);
    }
    const own = await options.ownUserId().catch(() => null);
    if (own !== null && event.actorId !== undefined && event.actorId === own) {
      return ignored("echo", fields);
    }

    try {
      await options.onHint({ itsm, instance, ticketId: event.ticketId });
    } catch (error) {
      // Let the sender retry: forget the delivery so the retry is not taken for a duplicate.
      if (event.deliveryId !== undefined)
        options.guard.forget(event.deliveryId);
      logger.error("webhook.hint_failed", {
        itsm,
        instance,
        ...fields,
        error: String(error),
      });
      return { status: 500, body: { error: "hint_failed" } };
    }
    logger.info("webhook.accepted", { itsm, instance, ...fields });
    return { status: 202, body: { accepted: true } };
  };
}
