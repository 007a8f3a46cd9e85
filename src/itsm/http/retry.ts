import { isItsmError, ItsmError } from "./errors.js";
import type { RetryHeaders } from "./errors.js";

export interface RetryDelayOptions {
  /** First backoff step; attempt n waits at least base·2^(n-1). */
  baseMs?: number;
  /** Upper bound of the exponential part (a server's Retry-After may exceed it). */
  maxBackoffMs?: number;
  /** 0..1 source for jitter; inject a constant in tests. */
  random?: () => number;
}

const DEFAULT_BASE_MS = 1_000;
const DEFAULT_MAX_BACKOFF_MS = 60_000;
const MIN_SERVER_WAIT_MS = 1_000;

/**
 * The wait before retry number `attempt` (1 = the first retry). Retry-After and X-RateLimit-Reset
 * are a floor, never a ceiling, and a `Retry-After: 0` still waits 1 s (cases BR-20: jira-python
 * used the header as a maximum; a gateway's `0` caused a retry storm). Jitter only adds.
 */
export function computeRetryDelay(
  attempt: number,
  headers: RetryHeaders,
  now: Date,
  options: RetryDelayOptions = {},
): number {
  const base = options.baseMs ?? DEFAULT_BASE_MS;
  const cap = options.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  const random = options.random ?? Math.random;

  const backoff = Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
  const serverFloor = serverWaitMs(headers, now);
  const floor = serverFloor === null ? backoff : Math.max(serverFloor, backoff);
  const jitter = Math.floor(random() * 0.25 * floor);
  return floor + jitter;
}

/** What the server asked for, clamped to at least 1 s; null when it said nothing usable. */
export function serverWaitMs(headers: RetryHeaders, now: Date): number | null {
  const waits: number[] = [];

  const retryAfter = headers["retry-after"]?.trim();
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) {
      waits.push(Number(retryAfter) * 1000);
    } else {
      const at = Date.parse(retryAfter);
      if (!Number.isNaN(at)) waits.push(at - now.getTime());
    }
  }

  const reset = headers["x-ratelimit-reset"]?.trim();
  if (reset !== undefined && /^\d+$/.test(reset)) {
    waits.push(Number(reset) * 1000 - now.getTime());
  }

  if (waits.length === 0) return null;
  return Math.max(MIN_SERVER_WAIT_MS, ...waits);
}

export interface WithRetryOptions extends RetryDelayOptions {
  /** Total attempts including the first. */
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /**
   * False for creates: then only a rejection that proves nothing was written (429) is retried;
   * a timeout or a 5xx is left to the caller's idempotency lookup (cases BR-22).
   */
  isIdempotent: boolean;
  /** An error asking for a longer wait than this is handed back, not slept on (hibernation). */
  maxInlineDelayMs?: number;
  onRetry?: (info: { attempt: number; delayMs: number; code: string }) => void;
}

/**
 * The last 429 of a call out of attempts, with when to come back: the job is re-queued for then,
 * not failed or retried inline, so the worker moves on to other work (BR-20).
 */
function requeued(
  error: ItsmError,
  attempts: number,
  options: WithRetryOptions,
): ItsmError {
  if (error.code !== "RATE_LIMITED" || error.retryAfterMs !== undefined)
    return error;
  return new ItsmError(
    "RATE_LIMITED",
    `${error.message} (still rate limited after ${attempts} attempts)`,
    {
      cause: error,
      details: error.details,
      retryHeaders: error.retryHeaders,
      ...(error.status === undefined ? {} : { status: error.status }),
      retryAfterMs: computeRetryDelay(
        attempts,
        error.retryHeaders,
        options.now(),
        options,
      ),
    },
  );
}

/** Runs `fn` until it succeeds, fails for good, or runs out of attempts; rethrows the last. */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: WithRetryOptions,
): Promise<T> {
  const maxInline = options.maxInlineDelayMs ?? 120_000;

  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!isItsmError(error) || !error.retryable) throw error;
      if (attempt >= options.maxAttempts)
        throw requeued(error, attempt, options);
      if (!options.isIdempotent && error.code !== "RATE_LIMITED") throw error;
      if ((error.retryAfterMs ?? 0) > maxInline) throw error;

      const delayMs = Math.max(
        computeRetryDelay(attempt, error.retryHeaders, options.now(), options),
        error.retryAfterMs ?? 0,
      );
      options.onRetry?.({ attempt, delayMs, code: error.code });
      await options.sleep(delayMs);
    }
  }
}

/** A real sleep, for production wiring. */
export function realSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
