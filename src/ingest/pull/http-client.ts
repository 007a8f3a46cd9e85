import axios from "axios";
import type { AxiosInstance, AxiosResponse } from "axios";
import { computeRetryDelay, serverWaitMs } from "../../itsm/http/retry.js";
import type { RetryHeaders } from "../../itsm/http/errors.js";
import type { Logger } from "../../logging/logger.js";
import { PullError, codeForStatus } from "./errors.js";
import { nextLink } from "./link-header.js";

/** What a pull needs from its caller; `env` resolves the source's token reference. */
export interface PullDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Tries per request, the first included (default 5). */
  maxAttempts?: number;
  /** A server asking for a longer wait than this fails the pull instead (default 15 min). */
  maxWaitMs?: number;
  random?: () => number;
}

export interface PullClientOptions {
  /** `github-secret-scanning`, `gitguardian`: for logs and errors. */
  source: string;
  baseUrl: string;
  /** Builds the Authorization header at request time, so no copy of the token is kept. */
  authorization: () => string;
  headers?: Record<string, string>;
  deps: PullDeps;
}

export interface JsonResponse {
  data: unknown;
  next: string | null;
}

export interface PullClient {
  get(url: string): Promise<JsonResponse>;
  /** Every page from `first` on, following `rel="next"` only: a short page is not the end. */
  pages(first: string): AsyncGenerator<{ items: unknown[]; page: number }>;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_MAX_WAIT_MS = 15 * 60 * 1000;

export function createPullClient(options: PullClientOptions): PullClient {
  const { source, deps } = options;
  const origin = new URL(options.baseUrl).origin;
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? defaultSleep;
  const maxAttempts = deps.maxAttempts ?? DEFAULT_ATTEMPTS;
  const maxWaitMs = deps.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const http: AxiosInstance = axios.create({
    timeout: 30_000,
    validateStatus: () => true,
    headers: { Accept: "application/json", ...options.headers },
  });

  async function get(url: string): Promise<JsonResponse> {
    // The token goes to the configured host only, whatever a Link header says.
    if (new URL(url).origin !== origin)
      throw new PullError(
        "UNEXPECTED_RESPONSE",
        `${source}: a page link leaves ${origin}`,
        { details: { source, origin: new URL(url).origin } },
      );
    const path = new URL(url).pathname;
    for (let attempt = 1; ; attempt += 1) {
      const failure = await tryOnce(url, path);
      if (!(failure instanceof PullError)) return failure;
      if (!failure.retryable || attempt >= maxAttempts) throw failure;
      const headers = retryHeadersOf(failure);
      const asked = serverWaitMs(headers, now());
      if (asked !== null && asked > maxWaitMs) throw failure;
      const delayMs = computeRetryDelay(attempt, headers, now(), {
        ...(deps.random ? { random: deps.random } : {}),
      });
      deps.logger.warn("pull.retrying", {
        source,
        path,
        attempt,
        code: failure.code,
        delayMs,
      });
      await sleep(delayMs);
    }
  }

  async function tryOnce(
    url: string,
    path: string,
  ): Promise<JsonResponse | PullError> {
    let response: AxiosResponse<unknown>;
    try {
      response = await http.get(url, {
        headers: { Authorization: options.authorization() },
      });
    } catch (error) {
      // The axios error holds the request config, Authorization included: keep only its code.
      const code = (error as { code?: unknown }).code;
      return new PullError("NETWORK", `${source}: ${path} is unreachable`, {
        details: { source, path, error: typeof code === "string" ? code : "" },
      });
    }
    const headers = pickHeaders(response);
    const code = codeForStatus(
      response.status,
      isRateLimited(response, headers),
    );
    if (code !== null) {
      const wait =
        code === "RATE_LIMITED" ? serverWaitMs(headers, now()) : null;
      return new PullError(
        code,
        `${source}: ${path} answered ${response.status}`,
        {
          ...(wait === null ? {} : { retryAfterMs: wait }),
          details: {
            source,
            path,
            status: response.status,
            retryHeaders: headers,
          },
        },
      );
    }
    return { data: response.data, next: nextLink(headers.link, url) };
  }

  async function* pages(first: string) {
    const seen = new Set<string>();
    let url: string | null = first;
    for (let page = 1; url !== null; page += 1) {
      if (seen.has(url))
        throw new PullError("UNEXPECTED_RESPONSE", `${source}: pages loop`, {
          details: { source, page },
        });
      seen.add(url);
      const response = await get(url);
      if (!Array.isArray(response.data))
        throw new PullError(
          "UNEXPECTED_RESPONSE",
          `${source}: page ${page} is not a JSON array`,
          { details: { source, page } },
        );
      deps.logger.debug("pull.page", {
        source,
        page,
        items: response.data.length,
      });
      yield { items: response.data as unknown[], page };
      url = response.next;
    }
  }

  return { get, pages };
}

type PickedHeaders = RetryHeaders & {
  link?: string;
  "x-ratelimit-remaining"?: string;
};

function pickHeaders(response: AxiosResponse<unknown>): PickedHeaders {
  const out: PickedHeaders = {};
  const raw = response.headers as Record<string, unknown>;
  for (const name of [
    "link",
    "retry-after",
    "x-ratelimit-reset",
    "x-ratelimit-remaining",
  ] as const) {
    const value = raw[name];
    if (typeof value === "string" || typeof value === "number")
      out[name] = String(value);
  }
  return out;
}

// GitHub's primary limit answers 403 or 429 with `x-ratelimit-remaining: 0`, its secondary limit
// with `retry-after` (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api).
// A 403 with neither is a real refusal and is not retried.
function isRateLimited(
  response: AxiosResponse<unknown>,
  headers: PickedHeaders,
): boolean {
  if (response.status === 429) return true;
  if (response.status !== 403) return false;
  return (
    headers["x-ratelimit-remaining"] === "0" ||
    headers["retry-after"] !== undefined
  );
}

function retryHeadersOf(error: PullError): RetryHeaders {
  const headers = error.details.retryHeaders as PickedHeaders | undefined;
  const out: RetryHeaders = {};
  if (headers?.["retry-after"] !== undefined)
    out["retry-after"] = headers["retry-after"];
  if (headers?.["x-ratelimit-reset"] !== undefined)
    out["x-ratelimit-reset"] = headers["x-ratelimit-reset"];
  return out;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
