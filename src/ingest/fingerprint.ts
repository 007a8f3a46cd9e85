import { sha256Hex } from "../domain/secret.js";
import type { FindingKind } from "../domain/finding.js";

/**
 * The identity of a finding. Where the secret is known, it is the secret itself: the same value in
 * several files, commits or scanners is one credential and one finding (reference §0: "credential
 * key", not the tool's location key). The reported line is never part of it (BR-03).
 */
const PEM = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/;

/** Strips what varies between sightings of the same value: PEM armour, whitespace, escapes. */
export function normaliseSecret(value: string): string {
  const unescaped = value.includes("-----BEGIN")
    ? value.replace(/\\n/g, "\n")
    : value;
  const pem = PEM.exec(unescaped);
  if (pem) return (pem[2] ?? "").replace(/\s+/g, "");
  return value.trim();
}

/** sha256 over the finding kind and the normalised secret. */
export function secretFingerprint(kind: FindingKind, secret: string): string {
  return sha256Hex(`${kind}\u0000${normaliseSecret(secret)}`);
}

/**
 * For a credential whose value the report does not give (masked SARIF with no source to read, a
 * redacted gitleaks report): rule + file + region. This one does move when the line moves; it is
 * the best a masked report allows, and the reason `--source-root` exists.
 */
export function locationFingerprint(
  rule: string,
  file: string,
  region: string,
): string {
  return sha256Hex(`location\u0000${rule}\u0000${file}\u0000${region}`);
}

/** For sources that name their own stable id (an alert number, an incident, a Security Hub id). */
export function sourceFingerprint(namespace: string, ...ids: string[]): string {
  return sha256Hex([namespace, ...ids].join("\u0000"));
}

/** Values tools put in place of a secret they redacted (gitleaks `--redact`, v7 masking). */
export function isRedacted(value: string): boolean {
  return (
    value === "" ||
    value.startsWith("REDACTED") ||
    isStars(value) ||
    value.endsWith("...")
  );
}

/** Only `*` (checked by hand: three regular expressions a record showed in the ingest profile). */
function isStars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) !== 0x2a) return false;
  }
  return value.length > 0;
}
