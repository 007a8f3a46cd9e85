import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { secretFingerprint } from "../../../src/ingest/fingerprint.js";
import {
  githubAlertsSourceSchema,
  pullFindings,
  PullError,
} from "../../../src/ingest/pull/index.js";
import {
  createGithubAlertsSimulator,
  makeAlert,
} from "../../../src/sandbox/github-alerts/index.js";
import type { AlertSeed } from "../../../src/sandbox/github-alerts/index.js";
import {
  GH_BASE,
  GH_TOKEN,
  collect,
  failure,
  pullDeps,
  readFixture,
} from "./helpers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const repoSource = (extra: Record<string, unknown> = {}) =>
  githubAlertsSourceSchema.parse({
    kind: "github-secret-scanning",
    baseUrl: GH_BASE,
    owner: "acme",
    repo: "api",
    token: { env: "GH_TOKEN" },
    ...extra,
  });

function start(alerts: AlertSeed[], pageSizes?: number[]) {
  const sim = createGithubAlertsSimulator({
    baseUrl: GH_BASE,
    token: GH_TOKEN,
    alerts,
    ...(pageSizes ? { pageSizes } : {}),
  });
  server.use(...sim.handlers());
  return sim;
}

const many = (count: number, repository = "acme/api"): AlertSeed[] =>
  Array.from({ length: count }, (_, i) => ({ repository, number: i + 1 }));

describe("pulling GitHub secret scanning alerts", () => {
  it("follows every Link until none is left, past a short middle page", async () => {
    const sim = start(many(250), [100, 50, 100]);
    const { deps } = pullDeps();

    const records = await collect(pullFindings(repoSource(), deps));

    expect(records).toHaveLength(250);
    expect(new Set(records.map((r) => r.finding.fingerprint)).size).toBe(250);
    expect(sim.requests.map((r) => r.query.page ?? "1")).toEqual([
      "1",
      "2",
      "3",
    ]);
  });

  it("asks GitHub to hide the secret and never carries a value", async () => {
    const sim = start(many(2));
    const { deps } = pullDeps();

    const records = await collect(pullFindings(repoSource(), deps));

    expect(sim.requests[0]?.query).toEqual({
      per_page: "100",
      hide_secret: "true",
    });
    expect(records.every((r) => r.secret === null)).toBe(true);
    expect(records.every((r) => r.finding.secretHash === undefined)).toBe(true);
  });

  it("drops a secret the server sends although it was asked to hide it", async () => {
    const alert = makeAlert({ repository: "acme/api", number: 7 }, GH_BASE);
    server.use(
      http.get(`${GH_BASE}/repos/acme/api/secret-scanning/alerts`, () =>
        HttpResponse.json([alert]),
      ),
    );
    const { deps } = pullDeps();

    const [record] = await collect(pullFindings(repoSource(), deps));

    expect(record?.secret).toBeNull();
    expect(record?.finding.fingerprint).not.toBe(
      secretFingerprint("secret", String(alert.secret)),
    );
  });

  it("reports resolved alerts as not open", async () => {
    start([
      { repository: "acme/api", number: 1 },
      { repository: "acme/api", number: 2, state: "resolved" },
      {
        repository: "acme/api",
        number: 3,
        state: "resolved",
        resolution: "false_positive",
      },
    ]);
    const { deps } = pullDeps();

    const records = await collect(pullFindings(repoSource(), deps));

    expect(records.map((r) => r.finding.status)).toEqual([
      "open",
      "resolved",
      "suppressed",
    ]);
  });

  it("resolves nothing for an alert a later pull no longer lists", async () => {
    const sim = start(many(2));
    const { deps } = pullDeps();
    const first = await collect(pullFindings(repoSource(), deps));
    sim.alerts.splice(1, 1);

    const second = await collect(pullFindings(repoSource(), deps));

    expect(first).toHaveLength(2);
    expect(second.map((r) => r.finding.fingerprint)).toEqual([
      first[0]?.finding.fingerprint,
    ]);
    expect(second.every((r) => r.finding.status === "open")).toBe(true);
  });

  it("keys alerts of different repositories apart in an organisation pull", async () => {
    const sim = start([
      { repository: "acme/api", number: 1 },
      { repository: "acme/web", number: 1 },
      { repository: "other/x", number: 1 },
    ]);
    const { deps } = pullDeps();

    const records = await collect(
      pullFindings(repoSource({ repo: undefined }), deps),
    );

    expect(sim.requests[0]?.path).toBe("/orgs/acme/secret-scanning/alerts");
    expect(records.map((r) => r.finding.locations[0]?.repository)).toEqual([
      "acme/api",
      "acme/web",
    ]);
    expect(records[0]?.finding.fingerprint).not.toBe(
      records[1]?.finding.fingerprint,
    );
  });

  it("filters by state only when asked", async () => {
    const sim = start(many(1));
    const { deps } = pullDeps();

    await collect(pullFindings(repoSource({ state: "open" }), deps));

    expect(sim.requests[0]?.query.state).toBe("open");
  });

  it("carries the value and keys by it when hideSecret is off", async () => {
    const value = "ghp_VisibleSecretMadeUpForTests000000000a";
    start([{ repository: "acme/api", number: 4, secret: value }]);
    const { deps, logger } = pullDeps();

    const [record] = await collect(
      pullFindings(repoSource({ hideSecret: false }), deps),
    );

    expect(record?.secret?.reveal()).toBe(value);
    expect(record?.finding.fingerprint).toBe(
      secretFingerprint("secret", value),
    );
    expect(logger.text()).not.toContain(value);
  });

  it("reads the documented example alert", async () => {
    const [alert] = readFixture(
      "github-secret-scanning/github_secrets_detection_report_one_vul.json",
    ) as Record<string, unknown>[];
    server.use(
      http.get(`${GH_BASE}/orgs/octocat/secret-scanning/alerts`, () =>
        HttpResponse.json([alert]),
      ),
    );
    const { deps } = pullDeps();

    const [record] = await collect(
      pullFindings(repoSource({ owner: "octocat", repo: undefined }), deps),
    );

    expect(record?.finding.status).toBe("suppressed");
    expect(record?.finding.locations[0]?.repository).toBe(
      "octocat/Hello-World",
    );
  });

  it("refuses a next link that leaves the configured host", async () => {
    server.use(
      http.get(`${GH_BASE}/repos/acme/api/secret-scanning/alerts`, () =>
        HttpResponse.json([], {
          headers: { link: '<https://evil.example/steal?page=2>; rel="next"' },
        }),
      ),
    );
    const { deps } = pullDeps();

    const error = await failure(collect(pullFindings(repoSource(), deps)));

    expect(error).toBeInstanceOf(PullError);
    expect((error as PullError).code).toBe("UNEXPECTED_RESPONSE");
  });

  it("names a malformed alert by page and item without its values", async () => {
    server.use(
      http.get(`${GH_BASE}/repos/acme/api/secret-scanning/alerts`, () =>
        HttpResponse.json([{ number: "x", secret: "leaky-value-123" }]),
      ),
    );
    const { deps } = pullDeps();

    const error = await failure(collect(pullFindings(repoSource(), deps)));

    expect((error as PullError).message).toContain("page 1 item 0");
    expect((error as PullError).message).not.toContain("leaky-value-123");
  });
});
