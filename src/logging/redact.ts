import { SecretValue } from "../domain/secret.js";

export const REDACTED = "[REDACTED]";

/**
 * Field names whose values never reach a sink, compared lower-cased with `-`, `_` and `.` removed.
 * A name is sensitive when it contains one of these words.
 */
const SENSITIVE_WORDS = [
  "password",
  "passwd",
  "secret",
  "token",
  "authorization",
  "cookie",
  "apikey",
  "privatekey",
  "credential",
  "sessionid",
];

/**
 * Names that contain a sensitive word but only describe the secret: `secretHash`, `tokenType`,
 * `secretRef` (which names an env variable or file, not the value).
 */
const SAFE_SUFFIXES = [
  "hash",
  "sha256",
  "type",
  "count",
  "length",
  "ref",
  "expiresat",
  "preview",
];

/** Values that look like credentials wherever they appear, in any string. */
const PATTERNS: { pattern: RegExp; replace: string }[] = [
  {
    pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: `Bearer ${REDACTED}`,
  },
  {
    // Only base64 with a digit or padding in it, so "Basic authentication" stays readable.
    pattern: /\bBasic\s+(?=[A-Za-z0-9+/]*[0-9+/=])[A-Za-z0-9+/]{8,}={0,2}/g,
    replace: `Basic ${REDACTED}`,
  },
  { pattern: /(:\/\/)[^/\s:@]+:[^/\s@]+@/g, replace: `$1${REDACTED}@` },
  { pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, replace: REDACTED },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, replace: REDACTED },
  { pattern: /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g, replace: REDACTED },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, replace: REDACTED },
  {
    pattern: /\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g,
    replace: REDACTED,
  },
  {
    pattern:
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: REDACTED,
  },
];

export function isSensitiveName(name: string): boolean {
  const flat = name.toLowerCase().replace(/[-_.]/g, "");
  if (!SENSITIVE_WORDS.some((word) => flat.includes(word))) return false;
  return !SAFE_SUFFIXES.some((suffix) => flat.endsWith(suffix));
}

/** Masks every registered raw value and every credential pattern in a string. */
export function redactString(text: string, values: readonly string[]): string {
  let out = text;
  // Longest first, so a value that contains another is masked whole.
  const sorted = [...values].sort((a, b) => b.length - a.length);
  for (const value of sorted) {
    if (value.length < 4) continue;
    out = out.split(value).join(REDACTED);
  }
  for (const { pattern, replace } of PATTERNS) {
    out = out.replace(pattern, replace);
  }
  return out;
}

/**
 * A redacted copy of a log field tree: sensitive names masked at any depth, `SecretValue`s masked,
 * errors flattened to their name, code and message, strings scrubbed of values and patterns.
 */
export function redactValue(
  value: unknown,
  values: readonly string[],
  seen = new WeakSet<object>(),
  depth = 0,
): unknown {
  if (value instanceof SecretValue) return REDACTED;
  if (typeof value === "string") return redactString(value, values);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (typeof value === "function") return undefined;
  if (seen.has(value)) return "[Circular]";
  if (depth > 12) return "[Deep]";
  seen.add(value);

  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  if (value instanceof Error) {
    return redactValue(errorFields(value), values, seen, depth + 1);
  }
  if (Array.isArray(value)) {
    return value.map((item) => redactValue(item, values, seen, depth + 1));
  }

  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveName(key)
      ? REDACTED
      : redactValue(item, values, seen, depth + 1);
  }
  return out;
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    name: error.name,
    message: error.message,
  };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) fields["code"] = code;
  const details = (error as { details?: unknown }).details;
  if (details !== undefined) fields["details"] = details;
  if (error.cause !== undefined) fields["cause"] = error.cause;
  return fields;
}
