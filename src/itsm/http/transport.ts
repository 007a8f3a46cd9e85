import { ItsmError } from "./errors.js";

/** Codes that mean the request never reached the server: safe to retry even a create. */
const NEVER_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN"]);

export interface RequestFacts {
  method: string;
  /** Path only, never a query string with values in it. */
  path: string;
  /** False for creates. */
  idempotent: boolean;
}

/**
 * A failure with no HTTP response (reset, timeout, refused). For a create this is ambiguous: the
 * server may have written the record before the socket closed, so the caller must look it up by
 * its idempotency marker before anything else (cases BR-22).
 */
export function classifyNetworkError(
  error: unknown,
  facts: RequestFacts,
): ItsmError {
  const code = networkCode(error);
  const details = { method: facts.method, path: facts.path, network: code };

  if (!facts.idempotent && !NEVER_SENT.has(code)) {
    return new ItsmError(
      "AMBIGUOUS_WRITE",
      `${facts.method} ${facts.path} failed without a response (${code}); ` +
        "the record may exist: look it up before creating again",
      { cause: error, details },
    );
  }

  return new ItsmError(
    "INSTANCE_UNAVAILABLE",
    `${facts.method} ${facts.path} failed without a response (${code})`,
    { cause: error, details: { ...details, reason: "unreachable" } },
  );
}

function networkCode(error: unknown): string {
  if (typeof error !== "object" || error === null) return "UNKNOWN";
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code !== "") return code;
  const cause = (error as { cause?: unknown }).cause;
  if (cause !== undefined && cause !== error) return networkCode(cause);
  return "UNKNOWN";
}

/** True for `application/json` and `+json` media types, whatever the parameters. */
export function isJsonContentType(value: unknown): boolean {
  if (typeof value !== "string") return false;
  const media = value.split(";")[0]?.trim().toLowerCase() ?? "";
  return media === "application/json" || media.endsWith("+json");
}
