import { createPrivateKey } from "node:crypto";
import type { SecretValueCheck } from "./secret-ref.js";

/** Shorter than this, a webhook signature key can be guessed; GitHub suggests a long random one. */
export const WEBHOOK_SECRET_MIN_BYTES = 16;

/** A webhook's shared secret: at least `WEBHOOK_SECRET_MIN_BYTES` bytes. */
export const webhookSecretCheck: SecretValueCheck = (value) =>
  Buffer.byteLength(value, "utf8") >= WEBHOOK_SECRET_MIN_BYTES
    ? null
    : `a webhook secret must be at least ${WEBHOOK_SECRET_MIN_BYTES} bytes ` +
      "(openssl rand -hex 32 makes one)";

/** A private key in PEM, checked now so a bad one is a start-up problem, not a failed login. */
export const pemPrivateKeyCheck: SecretValueCheck = (value) => {
  try {
    createPrivateKey(value);
    return null;
  } catch {
    return "not a PEM private key (-----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----)";
  }
};
