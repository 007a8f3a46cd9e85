import { createHmac, timingSafeEqual } from "node:crypto";
import type { SecretValue } from "../../domain/secret.js";

/** How the MAC after `sha256=` is written: hex, or base64 (what ServiceNow's generateMac gives). */
export type SignatureEncoding = "hex" | "base64";

const ENCODED: Record<SignatureEncoding, RegExp> = {
  hex: /^[0-9a-fA-F]{64}$/,
  // 32 bytes in base64: 43 characters and one `=` of padding.
  base64: /^[A-Za-z0-9+/]{43}=$/,
};

/**
 * Checks a `sha256=<mac>` signature over the raw bytes, in constant time. The JSON is parsed only
 * after this passes (reference/jira.md §4: the WebSub form Jira Cloud admin webhooks send). The
 * MAC is read in the first of `encodings` whose form it has; hex alone unless told.
 */
export function verifySha256Signature(
  signatureHeader: string | undefined,
  rawBody: Buffer,
  secret: SecretValue,
  encodings: readonly SignatureEncoding[] = ["hex"],
): boolean {
  if (signatureHeader === undefined) return false;
  const match = /^sha256=(\S+)$/.exec(signatureHeader.trim());
  const mac = match?.[1];
  if (mac === undefined) return false;
  const encoding = encodings.find((e) => ENCODED[e].test(mac));
  if (encoding === undefined) return false;

  const given = Buffer.from(mac, encoding);
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
