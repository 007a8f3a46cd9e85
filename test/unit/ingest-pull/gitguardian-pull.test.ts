import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  gitguardianSourceSchema,
  pullFindings,
  PullError,
} from "../../../src/ingest/pull/index.js";
import {
  createGitguardianSimulator,
  makeIncident,
} from "../../../src/sandbox/gitguardian/index.js";
import type {
  GgFault,
  GgIncident,
  IncidentSeed,
} from "../../../src/sandbox/gitguardian/index.js";
import {
  GG_BASE,
  GG_TOKEN,
  collect,
  failure,
  pullDeps,
  readFixture,
} from "./helpers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const source = (extra: Record<string, unknown> = {}) =>
  gitguardianSourceSchema.parse({
    kind: "gitguardian",
    baseUrl: GG_BASE,
    token: { env: "GG_TOKEN" },
    ...extra,
  });

function start(
  incidents: (IncidentSeed | GgIncident)[],
  options: { pageSizes?: number[]; faults?: GgFault[] } = {},
) {
  const sim = createGitguardianSimulator({
    baseUrl: GG_BASE,
    token: GG_TOKEN,
    incidents,
    ...(options.pageSizes ? { pageSizes: options.pageSizes } : {}),
  });
  sim.faults.push(...(options.faults ?? []));
  server.use(...sim.handlers());
  return sim;
}

const many = (count: number): IncidentSeed[] =>
  Array.from({ length: count }, (_, i) => ({ id: 1000 + i }));

describe("pulling GitGuardian incidents", () => {
  it("follows the cursor links past a short middle page", async () => {
    const sim = start(many(250), { pageSizes: [100, 50, 100] });
    const { deps } = pullDeps();

    const records = await collect(pullFindings(source(), deps));

    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.finding.fingerprint)).size).toBe(250);
    expect(sim.requests).toHaveLength(3);
    expect(sim.requests[0]?.query).toEqual({ per_page: "100" });
    expect(sim.requests[1]?.query.cursor).toBeDefined();
  });

  it("takes the status from GitGuardian", async () => {
    start([
      { id: 1, status: "TRIGGERED" },
      { id: 2, status: "ASSIGNED" },
      { id: 3, status: "RESOLVED" },
      { id: 4, status: "IGNORED" },
    ]);
    const { deps } = pullDeps();

    const records = await collect(pullFindings(source(), deps));

    expect(records.map((r) => r.finding.status)).toEqual([
      "open",
      "open",
      "resolved",
      "suppressed",
    ]);
  });

  it("passes a status filter on", async () => {
    const sim = start([{ id: 1 }, { id: 2, status: "RESOLVED" }]);
    const { deps } = pullDeps();

    const records = await collect(
      pullFindings(source({ status: "TRIGGERED" }), deps),
    );

    expect(sim.requests[0]?.query.status).toBe("TRIGGERED");
    expect(records).toHaveLength(1);
  });

  it("reads the recorded list response", async () => {
    const recorded = readFixture(
      "gitguardian-api/test_get_incident.yaml.response-1.json",
    ) as GgIncident[];
    start(recorded);
    const { deps } = pullDeps();

    const [record] = await collect(pullFindings(source(), deps));

    expect(record?.finding.status).toBe("resolved");
    expect(record?.finding.detector).toBeTruthy();
    expect(record?.secret).toBeNull();
  });

  it("gives the same finding for the same incident on every pull", async () => {
    start([makeIncident({ id: 42 })]);
    const { deps } = pullDeps();

    const first = await collect(pullFindings(source(), deps));
    const second = await collect(pullFindings(source(), deps));

    expect(second[0]?.finding.fingerprint).toBe(first[0]?.finding.fingerprint);
  });

  it("waits out a 429 with retry-after", async () => {
    start(many(1), { faults: [{ kind: "rate-limit", retryAfterSeconds: 12 }] });
    const { deps, clock } = pullDeps();

    const records = await collect(pullFindings(source(), deps));

    expect(records).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(12_000);
  });

  it("fails on a refused key without logging it", async () => {
    start(many(1), { faults: [{ kind: "unauthorized" }] });
    const { deps, logger } = pullDeps();

    const error = await failure(collect(pullFindings(source(), deps)));

    expect(error).toBeInstanceOf(PullError);
    expect((error as PullError).code).toBe("AUTH_FAILED");
    expect(logger.text()).not.toContain(GG_TOKEN);
  });

  it("names an item that is not an incident", async () => {
    start([{ id: 1 }, { id: "x", detector: {} } as unknown as GgIncident]);
    const { deps } = pullDeps();

    const error = await failure(collect(pullFindings(source(), deps)));

    expect((error as PullError).code).toBe("UNEXPECTED_RESPONSE");
    expect((error as PullError).message).toContain("item 1");
  });
});
