import { CloseloopError } from "../../domain/errors.js";
import type { CloseloopErrorOptions } from "../../domain/errors.js";

/** Every way an ITSM call fails, as the job boundary sees it. */
export type ItsmErrorCode =
  | "AUTH_FAILED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "SERVER_ERROR"
  | "INSTANCE_UNAVAILABLE"
  | "PAYLOAD_SCHEMA"
  | "CLIENT_BUG_XSRF"
  | "AMBIGUOUS_WRITE"
  | "UNEXPECTED_RESPONSE"
  /** A reference read with display values only: no sys_id to act on (cases BR-07). */
  | "DISPLAY_VALUE_ONLY";

/** The response headers that decide a retry delay, lower-cased; nothing else is kept. */
export type RetryHeaders = Partial<
  Record<"retry-after" | "x-ratelimit-reset", string>
>;

export interface ItsmErrorOptions extends CloseloopErrorOptions {
  /** HTTP status, when there was a response. */
  status?: number;
  retryHeaders?: RetryHeaders;
}

/**
 * A failure of an ITSM call, made once at the adapter's edge. `details` may carry the method, the
 * path and the status; never a request body, a header value with credentials, or a secret.
 */
export class ItsmError extends CloseloopError {
  declare readonly code: ItsmErrorCode;
  readonly status: number | undefined;
  readonly retryHeaders: RetryHeaders;

  constructor(
    code: ItsmErrorCode,
    message: string,
    options: ItsmErrorOptions = {},
  ) {
    super(code, message, {
      ...options,
      retryable: options.retryable ?? defaultRetryable(code),
    });
    this.status = options.status;
    this.retryHeaders = options.retryHeaders ?? {};
  }
}

export function isItsmError(value: unknown): value is ItsmError {
  return value instanceof ItsmError;
}

function defaultRetryable(code: ItsmErrorCode): boolean {
  switch (code) {
    case "RATE_LIMITED":
    case "SERVER_ERROR":
    case "INSTANCE_UNAVAILABLE":
      return true;
    case "AUTH_FAILED":
    case "FORBIDDEN":
    case "NOT_FOUND":
    case "PAYLOAD_SCHEMA":
    case "CLIENT_BUG_XSRF":
    case "AMBIGUOUS_WRITE":
    case "UNEXPECTED_RESPONSE":
    case "DISPLAY_VALUE_ONLY":
      return false;
  }
}

/** Picks the retry-relevant headers out of any header bag (axios, fetch, plain object). */
export function pickRetryHeaders(
  headers: Record<string, unknown> | Headers | undefined,
): RetryHeaders {
  const out: RetryHeaders = {};
  if (headers === undefined) return out;

  const read = (name: string): unknown =>
    headers instanceof Headers
      ? headers.get(name)
      : (headers[name] ?? headers[name.toLowerCase()]);
  const retryAfter = read("retry-after");
  const reset = read("x-ratelimit-reset");
  if (typeof retryAfter === "string") out["retry-after"] = retryAfter;
  if (typeof retryAfter === "number") out["retry-after"] = String(retryAfter);
  if (typeof reset === "string") out["x-ratelimit-reset"] = reset;
  if (typeof reset === "number") out["x-ratelimit-reset"] = String(reset);
  return out;
}

/**
 * The generic status → code mapping. Callers handle their system's special cases first
 * (ServiceNow hibernation, Jira XSRF) and fall back to this.
 */
export function errorFromStatus(
  status: number,
  message: string,
  options: Omit<ItsmErrorOptions, "status"> = {},
): ItsmError {
  const withStatus = { ...options, status };
  if (status === 401) return new ItsmError("AUTH_FAILED", message, withStatus);
  if (status === 403) return new ItsmError("FORBIDDEN", message, withStatus);
  if (status === 404) return new ItsmError("NOT_FOUND", message, withStatus);
  if (status === 429) return new ItsmError("RATE_LIMITED", message, withStatus);
  if (status === 400 || status === 422)
    return new ItsmError("PAYLOAD_SCHEMA", message, withStatus);
  if (status === 502 || status === 503 || status === 504)
    return new ItsmError("INSTANCE_UNAVAILABLE", message, {
      ...withStatus,
      details: { reason: "unreachable", ...options.details },
    });
  if (status >= 500) return new ItsmError("SERVER_ERROR", message, withStatus);
  return new ItsmError("UNEXPECTED_RESPONSE", message, withStatus);
}
