import { z } from "zod";
import {
  ItsmError,
  errorFromStatus,
  isJsonContentType,
  pickRetryHeaders,
} from "../http/index.js";
import type { RequestFacts } from "../http/transport.js";

/** A sleeping developer instance is retried in minutes, not seconds (cases BR-06). */
export const HIBERNATION_RETRY_MS = 5 * 60_000;

const errorBodySchema = z.object({
  error: z.object({
    message: z.string().optional(),
    detail: z.string().nullish(),
  }),
});

/**
 * Turns one HTTP answer into parsed JSON or an `ItsmError`, the only place that does so.
 * A 2xx that is not JSON is an error (the hibernation page is a 200 with HTML, reference §0.8),
 * and so is a GET answered 202 (a dropped, queued request, §7).
 */
export function classifyResponse(
  status: number,
  headers: Record<string, string>,
  body: unknown,
  facts: RequestFacts,
): unknown {
  const text = typeof body === "string" ? body : "";
  const contentType = headers["content-type"];
  const retryHeaders = pickRetryHeaders(headers);
  const details = { method: facts.method, path: facts.path, status };

  if (looksHibernating(status, headers, text)) {
    return new ItsmError(
      "INSTANCE_UNAVAILABLE",
      "the ServiceNow instance is hibernating",
      {
        status,
        retryAfterMs: HIBERNATION_RETRY_MS,
        details: { ...details, reason: "hibernating" },
      },
    );
  }

  if (status >= 200 && status < 300) {
    if (facts.method === "GET" && status === 202) {
      return new ItsmError(
        "UNEXPECTED_RESPONSE",
        "GET answered 202: the request was dropped",
        {
          status,
          retryable: true,
          details,
        },
      );
    }
    if (status === 204 || (text === "" && facts.method === "DELETE")) return {};
    if (!isJsonContentType(contentType)) {
      return new ItsmError(
        "UNEXPECTED_RESPONSE",
        `${status} answer is not JSON`,
        {
          status,
          details: { ...details, contentType: contentType ?? "" },
        },
      );
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      return new ItsmError("UNEXPECTED_RESPONSE", "answer is not valid JSON", {
        cause,
        status,
        details,
      });
    }
  }

  return errorFromStatus(status, serviceNowMessage(status, text, contentType), {
    retryHeaders,
    details,
  });
}

function looksHibernating(
  status: number,
  headers: Record<string, string>,
  text: string,
): boolean {
  if (status >= 300 && status < 400) {
    const location = headers.location ?? "";
    return /signon\.service-now\.com|\/wakeup|hibernat/i.test(location);
  }
  if (isJsonContentType(headers["content-type"])) return false;
  return /hibernat/i.test(text);
}

/** `{"error":{"message","detail"},"status":"failure"}`: the status is only in the status line. */
function serviceNowMessage(
  status: number,
  text: string,
  contentType: string | undefined,
): string {
  if (!isJsonContentType(contentType)) return `ServiceNow answered ${status}`;
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (!parsed.success) return `ServiceNow answered ${status}`;
    const { message, detail } = parsed.data.error;
    return [`ServiceNow answered ${status}`, message, detail]
      .filter((part) => part !== undefined && part !== null && part !== "")
      .join(": ");
  } catch {
    return `ServiceNow answered ${status}`;
  }
}
