import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PullError } from "../../../src/ingest/pull/index.js";
import {
  githubAlertsSourceSchema,
  pullFindings,
} from "../../../src/ingest/pull/index.js";
import { createGithubAlertsSimulator } from "../../../src/sandbox/github-alerts/index.js";
import type { SimFault } from "../../../src/sandbox/github-alerts/index.js";
import { GH_BASE, GH_TOKEN, collect, failure, pullDeps } from "./helpers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const source = githubAlertsSourceSchema.parse({
  kind: "github-secret-scanning",
  baseUrl: GH_BASE,
  owner: "acme",
  repo: "api",
  token: { env: "GH_TOKEN" },
});

function start(faults: SimFault[], now?: () => Date) {
  const sim = createGithubAlertsSimulator({
    ...(now ? { now } : {}),
    baseUrl: GH_BASE,
    token: GH_TOKEN,
    alerts: [{ repository: "acme/api", number: 1 }],
  });
  sim.faults.push(...faults);
  server.use(...sim.handlers());
  return sim;
}

describe("rate limits and failures of a pull", () => {
  it("waits until x-ratelimit-reset after a 403 with no requests remaining", async () => {
    const { deps, clock } = pullDeps();
    start([{ kind: "primary-rate-limit", resetInSeconds: 40 }], clock.now);

    const records = await collect(pullFindings(source, deps));

    expect(records).toHaveLength(1);
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(40_000);
  });

  it("waits at least retry-after after a 429", async () => {
    start([{ kind: "retry-after", status: 429, seconds: 7 }]);
    const { deps, clock } = pullDeps();

    await collect(pullFindings(source, deps));

    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(7_000);
  });

  it("backs off and retries a server error", async () => {
    const sim = start([{ kind: "server-error" }]);
    const { deps, clock } = pullDeps();

    const records = await collect(pullFindings(source, deps));

    expect(records).toHaveLength(1);
    expect(clock.sleeps).toHaveLength(1);
    expect(sim.requests).toHaveLength(2);
  });

  it("gives up after the bounded number of tries", async () => {
    const limited: SimFault = { kind: "retry-after", seconds: 1 };
    const sim = start([limited, limited, limited, limited]);
    const { deps } = pullDeps();

    const error = await failure(
      collect(pullFindings(source, { ...deps, maxAttempts: 3 })),
    );

    expect((error as PullError).code).toBe("RATE_LIMITED");
    expect((error as PullError).retryable).toBe(true);
    expect(sim.requests).toHaveLength(3);
  });

  it("fails at once rather than sleep past the longest wait allowed", async () => {
    const { deps, clock } = pullDeps();
    start([{ kind: "primary-rate-limit", resetInSeconds: 7200 }], clock.now);

    const error = await failure(collect(pullFindings(source, deps)));

    expect((error as PullError).code).toBe("RATE_LIMITED");
    expect((error as PullError).retryAfterMs).toBeGreaterThanOrEqual(7_200_000);
    expect(clock.sleeps).toEqual([]);
  });

  it("does not retry a refused token or a plain 403", async () => {
    for (const kind of ["unauthorized", "forbidden"] as const) {
      const sim = start([{ kind }]);
      const { deps } = pullDeps();

      const error = await failure(collect(pullFindings(source, deps)));

      expect((error as PullError).code).toBe(
        kind === "unauthorized" ? "AUTH_FAILED" : "FORBIDDEN",
      );
      expect(sim.requests).toHaveLength(1);
    }
  });

  it("keeps the token out of logs and errors", async () => {
    start([{ kind: "retry-after", seconds: 2 }, { kind: "server-error" }]);
    const { deps, logger } = pullDeps();
    await collect(pullFindings(source, deps));
    start([{ kind: "unauthorized" }]);

    const error = await failure(collect(pullFindings(source, deps)));

    expect(logger.events()).toContain("pull.retrying");
    expect(logger.text()).not.toContain(GH_TOKEN);
    expect(JSON.stringify((error as PullError).details)).not.toContain(
      GH_TOKEN,
    );
    expect(String((error as PullError).message)).not.toContain(GH_TOKEN);
  });

  it("names the variable when the token is not set", async () => {
    const { deps } = pullDeps();

    const error = await failure(
      collect(pullFindings(source, { ...deps, env: {} })),
    );

    expect((error as Error).message).toContain("GH_TOKEN");
  });
});
