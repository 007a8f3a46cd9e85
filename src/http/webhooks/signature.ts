import { createHmac, timingSafeEqual } from "node:crypto";
import type { SecretValue } from "../../domain/secret.js";

/**
 * Checks a `sha256=<hex>` signature over the raw bytes, in constant time. The JSON is parsed only
 * after this passes (reference/jira.md §4: the WebSub form Jira Cloud admin webhooks send).
 */
export function verifySha256Signature(
  signatureHeader: string | undefined,
  rawBody: Buffer,
  secret: SecretValue,
): boolean {
  if (signatureHeader === undefined) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signatureHeader.trim());
  if (match === null) return false;

  const given = Buffer.from(match[1]!.toLowerCase(), "hex");
  const expected = createHmac("sha256", secret.reveal())
    .update(rawBody)
    .digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The header value a sender computes; for tests and the ServiceNow setup guide. */
export function signSha256(
  rawBody: Buffer | string,
  secret: SecretValue,
): string {
  return `sha256=${createHmac("sha256", secret.reveal()).update(rawBody).digest("hex")}`;
}
