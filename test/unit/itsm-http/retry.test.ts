import { describe, expect, it } from "vitest";
import {
  ItsmError,
  computeRetryDelay,
  serverWaitMs,
  withRetry,
} from "../../../src/itsm/http/index.js";
import type { RetryHeaders } from "../../../src/itsm/http/index.js";

const noJitter = { random: () => 0 };

function rateLimited(headers: RetryHeaders): ItsmError {
  return new ItsmError("RATE_LIMITED", "429", {
    status: 429,
    retryHeaders: headers,
  });
}

describe("computeRetryDelay", () => {
  it("treats Retry-After: 0 as a one-second minimum", () => {
    const delay = computeRetryDelay(
      1,
      { "retry-after": "0" },
      new Date(),
      noJitter,
    );

    expect(delay).toBe(1000);
  });

  it("never waits less than Retry-After, whatever the attempt", () => {
    const delay = computeRetryDelay(
      1,
      { "retry-after": "30" },
      new Date(),
      noJitter,
    );

    expect(delay).toBe(30_000);
  });

  it("reads an HTTP-date Retry-After against the given clock", () => {
    const now = new Date("2026-10-21T07:28:00Z");

    const delay = computeRetryDelay(
      1,
      { "retry-after": "Wed, 21 Oct 2026 07:28:05 GMT" },
      now,
      noJitter,
    );

    expect(delay).toBe(5000);
  });

  it("waits until X-RateLimit-Reset when that is later", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const reset = String(now.getTime() / 1000 + 12);

    const wait = serverWaitMs(
      { "retry-after": "1", "x-ratelimit-reset": reset },
      now,
    );

    expect(wait).toBe(12_000);
  });

  it("grows exponentially without a header and only adds jitter", () => {
    const now = new Date();

    const plain = [1, 2, 3, 4].map((n) =>
      computeRetryDelay(n, {}, now, noJitter),
    );
    const jittered = computeRetryDelay(4, {}, now, { random: () => 0.99 });

    expect(plain).toEqual([1000, 2000, 4000, 8000]);
    expect(jittered).toBeGreaterThan(8000);
  });
});

describe("withRetry", () => {
  it("waits at least 1, 2, 5 and 4 seconds and succeeds on the fifth attempt (BR-20)", async () => {
    const now = new Date("2026-10-21T07:28:00Z");
    const answers: RetryHeaders[] = [
      { "retry-after": "0" },
      { "retry-after": "0" },
      { "retry-after": "Wed, 21 Oct 2026 07:28:05 GMT" },
      {},
    ];
    const sleeps: number[] = [];

    const result = await withRetry(
      (attempt) => {
        const headers = answers[attempt - 1];
        if (headers !== undefined) return Promise.reject(rateLimited(headers));
        return Promise.resolve(`ok on ${attempt}`);
      },
      {
        maxAttempts: 5,
        isIdempotent: true,
        now: () => now,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      },
    );

    expect(result).toBe("ok on 5");
    expect(sleeps).toHaveLength(4);
    [1000, 2000, 5000, 4000].forEach((min, i) =>
      expect(sleeps[i]).toBeGreaterThanOrEqual(min),
    );
  });

  it("gives up with a retryable RATE_LIMITED after the last attempt", async () => {
    let calls = 0;

    const run = withRetry(
      () => {
        calls += 1;
        return Promise.reject(rateLimited({ "retry-after": "0" }));
      },
      {
        maxAttempts: 5,
        isIdempotent: true,
        now: () => new Date(),
        sleep: () => Promise.resolve(),
      },
    );

    await expect(run).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
    });
    expect(calls).toBe(5);
  });

  it("never retries a create after an ambiguous or server failure", async () => {
    for (const code of ["AMBIGUOUS_WRITE", "SERVER_ERROR"] as const) {
      let calls = 0;

      const run = withRetry(
        () => {
          calls += 1;
          return Promise.reject(
            new ItsmError(code, "boom", { retryable: true }),
          );
        },
        {
          maxAttempts: 5,
          isIdempotent: false,
          now: () => new Date(),
          sleep: () => Promise.resolve(),
        },
      );

      await expect(run).rejects.toMatchObject({ code });
      expect(calls).toBe(1);
    }
  });

  it("hands back an error that asks for minutes instead of sleeping on it", async () => {
    const slept: number[] = [];
    const hibernating = new ItsmError("INSTANCE_UNAVAILABLE", "asleep", {
      retryAfterMs: 5 * 60_000,
    });

    const run = withRetry(() => Promise.reject(hibernating), {
      maxAttempts: 5,
      isIdempotent: true,
      now: () => new Date(),
      sleep: (ms) => {
        slept.push(ms);
        return Promise.resolve();
      },
    });

    await expect(run).rejects.toBe(hibernating);
    expect(slept).toEqual([]);
  });
});
