import { CloseloopError } from "../../domain/errors.js";

/** A failure talking to a Salesforce org, with Salesforce's `errorCode` when it sent one. */
export class SalesforceTargetError extends CloseloopError {}

export interface ApiFailure {
  /** Salesforce's `errorCode` (`NOT_FOUND`), or `ERROR_HTTP_<status>`, or `NETWORK`. */
  errorCode: string;
  message: string;
}

/**
 * Reads a jsforce `HttpApiError` (or a network error) by shape. jsforce names HTTP failures
 * without a JSON body `ERROR_HTTP_<status>` (reference targets.md §2.4).
 */
export function apiFailureOf(error: unknown): ApiFailure {
  const raw = error as {
    errorCode?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const message = typeof raw.message === "string" ? raw.message : String(error);
  if (typeof raw.errorCode === "string") {
    return { errorCode: raw.errorCode, message: firstLine(message) };
  }
  if (raw.name === "FetchError" || raw.name === "TypeError") {
    return { errorCode: "NETWORK", message: firstLine(message) };
  }
  return { errorCode: "UNKNOWN", message: firstLine(message) };
}

/**
 * Limits (403 `REQUEST_LIMIT_EXCEEDED`), 420, 5xx and network failures are worth another try;
 * none of them says anything about a credential (§2.3, §2.6).
 */
export function isTransientFailure(failure: ApiFailure): boolean {
  if (failure.errorCode === "NETWORK") return true;
  if (failure.errorCode === "REQUEST_LIMIT_EXCEEDED") return true;
  if (failure.errorCode === "SERVER_UNAVAILABLE") return true;
  if (failure.errorCode === "UNABLE_TO_LOCK_ROW") return true;
  const status = /^ERROR_HTTP_(\d{3})$/.exec(failure.errorCode)?.[1];
  return status !== undefined && (status === "420" || status.startsWith("5"));
}

export function toSalesforceError(
  error: unknown,
  operation: string,
  targetId: string,
): SalesforceTargetError {
  if (error instanceof SalesforceTargetError) return error;
  const failure = apiFailureOf(error);
  const retryable = isTransientFailure(failure);
  return new SalesforceTargetError(
    retryable ? "SALESFORCE_UNAVAILABLE" : "SALESFORCE_REFUSED",
    `target ${targetId}: ${operation} failed: ${failure.errorCode} ${failure.message}`,
    {
      cause: error,
      retryable,
      details: { operation, errorCode: failure.errorCode },
    },
  );
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 300);
}
