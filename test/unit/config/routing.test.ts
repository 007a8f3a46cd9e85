import { describe, expect, it } from "vitest";
import { routeFinding, routeFor } from "../../../src/config/routing.js";
import type { RoutingConfig } from "../../../src/config/schema.js";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity } from "../../../src/domain/identity.js";

const routing: RoutingConfig = {
  rules: [
    {
      when: { detector: ["aws-access-key", "aws-secret-key"] },
      itsm: ["jira-cloud"],
      jiraProject: "CLOUD",
    },
    {
      when: { targetKind: "postgres", owner: "payments" },
      itsm: ["snow-prod", "jira-cloud"],
    },
  ],
  default: ["snow-prod"],
};

const finding = (detector: string): Finding => ({
  fingerprint: "fp",
  kind: "secret",
  source: "gitleaks",
  sources: ["gitleaks"],
  detector,
  status: "open",
  title: "t",
  severity: "high",
  preview: "****",
  locations: [],
  hints: {},
  tags: [],
  detectedAt: "2025-01-01T00:00:00Z",
});

const pgIdentity: Identity = {
  targetId: "pg-prod",
  targetKind: "postgres",
  principal: "svc",
  owner: "payments",
};

describe("routeFinding", () => {
  it("takes the first rule whose conditions all hold", () => {
    const route = routeFinding(routing);

    expect(route(finding("aws-access-key"), null)).toEqual(["jira-cloud"]);
    expect(route(finding("postgres-connection-string"), pgIdentity)).toEqual([
      "snow-prod",
      "jira-cloud",
    ]);
  });

  it("falls back to the default when no rule matches or the identity is unresolved", () => {
    const route = routeFinding(routing);

    expect(route(finding("postgres-connection-string"), null)).toEqual([
      "snow-prod",
    ]);
    expect(
      route(finding("postgres-connection-string"), {
        ...pgIdentity,
        owner: "search",
      }),
    ).toEqual(["snow-prod"]);
  });

  it("carries the Jira project of the matching rule", () => {
    expect(routeFor(routing)(finding("aws-secret-key"), null)).toEqual({
      itsm: ["jira-cloud"],
      jiraProject: "CLOUD",
    });
  });
});
