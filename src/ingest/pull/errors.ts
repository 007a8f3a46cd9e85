import { CloseloopError } from "../../domain/errors.js";
import type { CloseloopErrorOptions } from "../../domain/errors.js";

export type PullErrorCode =
  | "AUTH_FAILED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "SERVER_ERROR"
  | "NETWORK"
  | "UNEXPECTED_RESPONSE";

/**
 * A finding source's API failed. Made once at the pull client's edge; `details` carry the
 * source, the path and the status, never a header, a token or a response body (which may hold a
 * secret when `hide_secret` is off).
 */
export class PullError extends CloseloopError {
  declare readonly code: PullErrorCode;

  constructor(
    code: PullErrorCode,
    message: string,
    options: CloseloopErrorOptions = {},
  ) {
    super(code, message, {
      ...options,
      retryable: options.retryable ?? isTransient(code),
    });
  }
}

function isTransient(code: PullErrorCode): boolean {
  switch (code) {
    case "RATE_LIMITED":
    case "SERVER_ERROR":
    case "NETWORK":
      return true;
    case "AUTH_FAILED":
    case "FORBIDDEN":
    case "NOT_FOUND":
    case "UNEXPECTED_RESPONSE":
      return false;
  }
}

/** The code a response status means, or null for a success; `limited` marks a rate limit. */
export function codeForStatus(
  status: number,
  limited: boolean,
): PullErrorCode | null {
  if (status >= 200 && status < 300) return null;
  if (limited || status === 429) return "RATE_LIMITED";
  if (status === 401) return "AUTH_FAILED";
  if (status === 403) return "FORBIDDEN";
  if (status === 404) return "NOT_FOUND";
  if (status >= 500) return "SERVER_ERROR";
  return "UNEXPECTED_RESPONSE";
}
