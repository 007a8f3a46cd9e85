import { jiraError } from "./render.js";

/**
 * Jira Cloud's burst limit, counted per endpoint and method (`RateLimit-Reason: jira-burst-based`),
 * or its per-issue write limit, counted per issue over writes only (`jira-per-issue-on-write`).
 */
export interface JiraRateLimit {
  limit: number;
  windowMs: number;
  per?: "endpoint" | "issue-write";
}

export type RateAnswer =
  | { limited: false; headers: Record<string, string> }
  | { limited: true; response: Response };

/**
 * Fixed windows per key. Within the limit the answer carries `X-RateLimit-Limit/Remaining`, as
 * API-token traffic now does on every call; beyond it, a 429 with `Retry-After` (whole seconds to
 * the window's end), `X-RateLimit-Reset` (request time plus Retry-After, `yyyy-MM-ddTHH:mmZ`) and
 * `RateLimit-Reason` (reference/jira.md §5.1).
 */
export class RateWindows {
  private readonly windows = new Map<
    string,
    { start: number; count: number }
  >();

  constructor(
    readonly rate: JiraRateLimit,
    private readonly now: () => number,
  ) {}

  /** `endpoint` names the route and method; `issueId` is set for a write to one issue. */
  count(endpoint: string, issueId: string | undefined): RateAnswer | null {
    const perIssue = this.rate.per === "issue-write";
    if (perIssue && issueId === undefined) return null;
    const key = perIssue ? `issue:${issueId}` : endpoint;

    const now = this.now();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.rate.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    window.count += 1;
    const limit = String(this.rate.limit);
    if (window.count <= this.rate.limit) {
      const remaining = String(this.rate.limit - window.count);
      return {
        limited: false,
        headers: {
          "X-RateLimit-Limit": limit,
          "X-RateLimit-Remaining": remaining,
        },
      };
    }

    const waitMs = window.start + this.rate.windowMs - now;
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    const reset = `${new Date(now + seconds * 1000).toISOString().slice(0, 16)}Z`;
    const headers = {
      "Retry-After": String(seconds),
      "X-RateLimit-Limit": limit,
      "X-RateLimit-Remaining": "0",
      "X-RateLimit-Reset": reset,
      "RateLimit-Reason": perIssue
        ? "jira-per-issue-on-write"
        : "jira-burst-based",
    };
    return {
      limited: true,
      response: jiraError(429, ["Rate limit exceeded."], {}, headers),
    };
  }
}

/** The same answer with `headers` added. */
export function withHeaders(
  response: Response,
  headers: Record<string, string>,
): Response {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: merged,
  });
}
