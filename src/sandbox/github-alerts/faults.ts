/**
 * Failures a simulator answers the next request with, oldest first. The shapes follow GitHub's
 * rate limit documentation (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api):
 * the primary limit is 403 (or 429) with `x-ratelimit-remaining: 0` and an epoch-seconds
 * `x-ratelimit-reset`; the secondary limit is 403 or 429 with `retry-after` in seconds.
 */
export type SimFault =
  | { kind: "primary-rate-limit"; status?: 403 | 429; resetInSeconds: number }
  | { kind: "retry-after"; status?: 403 | 429; seconds: number }
  | { kind: "unauthorized" }
  | { kind: "forbidden" }
  | { kind: "server-error"; status?: 500 | 502 | 503 };

export function faultResponse(fault: SimFault, now: Date): Response {
  switch (fault.kind) {
    case "primary-rate-limit":
      return json(
        fault.status ?? 403,
        { message: "API rate limit exceeded", documentation_url: DOCS },
        {
          "x-ratelimit-limit": "5000",
          "x-ratelimit-remaining": "0",
          "x-ratelimit-used": "5000",
          "x-ratelimit-reset": String(
            Math.floor(now.getTime() / 1000) + fault.resetInSeconds,
          ),
        },
      );
    case "retry-after":
      return json(
        fault.status ?? 429,
        {
          message: "You have exceeded a secondary rate limit.",
          documentation_url: DOCS,
        },
        { "retry-after": String(fault.seconds) },
      );
    case "unauthorized":
      return badCredentials();
    case "forbidden":
      return json(403, {
        message: "Resource not accessible by integration",
        documentation_url: DOCS,
      });
    case "server-error":
      return json(fault.status ?? 502, { message: "Server Error" });
  }
}

const DOCS = "https://docs.github.com/rest";

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

// The body api.github.com sends for a bad token.
export const badCredentials = (): Response =>
  json(401, { message: "Bad credentials", documentation_url: DOCS });

export const notFound = (): Response =>
  json(404, { message: "Not Found", documentation_url: DOCS });
