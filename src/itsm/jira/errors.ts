import { AxiosError } from "axios";
import { HttpException } from "jira.js";
import { CloseloopError } from "../../domain/errors.js";
import type { CloseloopErrorOptions } from "../../domain/errors.js";
import {
  ItsmError,
  classifyNetworkError,
  errorFromStatus,
  isItsmError,
  pickRetryHeaders,
} from "../http/index.js";

/** Jira-specific outcomes that are not transport failures. */
export type JiraErrorCode = "NO_CLOSE_TRANSITION" | "ATTACHMENT_TOO_LARGE";

export class JiraError extends CloseloopError {
  declare readonly code: JiraErrorCode;

  constructor(
    code: JiraErrorCode,
    message: string,
    options: CloseloopErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

export interface CallFacts {
  method: string;
  /** The path without its query string. */
  path: string;
  idempotent: boolean;
}

// Jira answers some failed logins with 200 and anonymous data (reference/jira.md §2.8).
const FAILED_LOGIN = new Set(["AUTHENTICATED_FAILED", "AUTHENTICATION_DENIED"]);

export function isFailedLogin(headers: Record<string, unknown>): boolean {
  const reason = headers["x-seraph-loginreason"];
  return (
    typeof reason === "string" &&
    reason.split(",").some((r) => FAILED_LOGIN.has(r.trim()))
  );
}

export function plainHeaders(headers: unknown): Record<string, unknown> {
  if (typeof headers !== "object" || headers === null) return {};
  const withJson = headers as { toJSON?: () => unknown };
  const flat =
    typeof withJson.toJSON === "function" ? withJson.toJSON() : headers;
  return Object.fromEntries(
    Object.entries(flat as Record<string, unknown>).map(([k, v]) => [
      k.toLowerCase(),
      v,
    ]),
  );
}

/** The messages of a Jira error body, `{"errorMessages":[],"errors":{}}`; never request data. */
function bodyFacts(data: unknown): {
  text: string;
  fields: Record<string, string>;
} {
  if (typeof data === "string") return { text: data.slice(0, 300), fields: {} };
  if (typeof data !== "object" || data === null)
    return { text: "", fields: {} };
  const body = data as {
    errorMessages?: unknown;
    errors?: unknown;
    errorMessage?: unknown;
  };
  const messages = Array.isArray(body.errorMessages)
    ? body.errorMessages.map(String)
    : [];
  if (typeof body.errorMessage === "string") messages.push(body.errorMessage);
  const fields =
    typeof body.errors === "object" && body.errors !== null
      ? Object.fromEntries(
          Object.entries(body.errors).map(([k, v]) => [k, String(v)]),
        )
      : {};
  return {
    text: [...messages, ...Object.values(fields)].join("; ").slice(0, 500),
    fields,
  };
}

/**
 * Turns whatever jira.js or axios threw into an `ItsmError`, once, at the adapter's edge. jira.js 5
 * wraps axios errors in `HttpException`; the axios error inside still has the status and headers.
 */
export function mapJiraFailure(
  error: unknown,
  facts: CallFacts,
): CloseloopError {
  if (error instanceof CloseloopError) return error;
  const axiosError =
    error instanceof HttpException && error.cause instanceof AxiosError
      ? error.cause
      : error;
  if (
    !(axiosError instanceof AxiosError) ||
    axiosError.response === undefined
  ) {
    return classifyNetworkError(sanitised(axiosError), facts);
  }

  const status = axiosError.response.status;
  const data: unknown = axiosError.response.data;
  const headers = plainHeaders(axiosError.response.headers);
  const { text, fields } = bodyFacts(data);
  const where = `${facts.method} ${facts.path}`;
  const details = { method: facts.method, path: facts.path, status, fields };

  if (isFailedLogin(headers) || status === 401) {
    return new ItsmError(
      "AUTH_FAILED",
      `${where}: Jira rejected the credentials`,
      {
        status,
        details,
      },
    );
  }
  // An XSRF rejection looks like a missing issue; it is our bug, never "deleted" (BR-14).
  if (
    (status === 403 || status === 404) &&
    text.includes("XSRF check failed")
  ) {
    return new ItsmError(
      "CLIENT_BUG_XSRF",
      `${where}: Jira's XSRF check blocked the upload; send X-Atlassian-Token: no-check`,
      { status, details },
    );
  }
  if (status === 409) {
    return new ItsmError(
      "SERVER_ERROR",
      `${where}: conflicting update (${text})`,
      {
        status,
        retryable: true,
        details,
      },
    );
  }
  return errorFromStatus(status, `${where}: ${text || `HTTP ${status}`}`, {
    retryHeaders: pickRetryHeaders(headers),
    details,
  });
}

/**
 * A stand-in for a network error: the original axios error holds the request config, and with it
 * the Authorization header, so it never travels on as a `cause`.
 */
function sanitised(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const inner = (error as { cause?: { code?: unknown } }).cause;
  const code = (error as { code?: unknown }).code ?? inner?.code;
  return Object.assign(new Error(error.message), {
    code: typeof code === "string" ? code : "UNKNOWN",
  });
}

export { isItsmError };
