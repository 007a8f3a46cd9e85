import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import {
  resolveIdentity,
  targetMatchSchema,
} from "../../../src/identity/index.js";
import type { MatchableTarget } from "../../../src/identity/index.js";

function finding(hints: Finding["hints"]): Finding {
  return {
    fingerprint: "f",
    kind: "secret",
    source: "secretlint",
    sources: ["secretlint"],
    detector: "postgres-connection-string",
    status: "open",
    title: "t",
    severity: "high",
    preview: "p",
    locations: [],
    hints,
    tags: [],
    detectedAt: "2024-01-01T00:00:00.000Z",
  };
}

const pgHints = {
  postgres: {
    host: "db.internal.example",
    port: 5432,
    database: "payments",
    user: "svc_leaky",
  },
};

describe("resolveIdentity", () => {
  it("ties a connection string to the postgres target that connects to that host", () => {
    const targets: MatchableTarget[] = [
      { id: "pg-other", kind: "postgres", host: "other", port: 5432 },
      {
        id: "pg-prod",
        kind: "postgres",
        host: "db.internal.example",
        port: 5432,
      },
    ];

    expect(resolveIdentity(finding(pgHints), targets)).toEqual({
      ok: true,
      identity: {
        targetId: "pg-prod",
        targetKind: "postgres",
        principal: "svc_leaky",
      },
    });
  });

  it("matches through match.hosts, ports and databases", () => {
    const targets: MatchableTarget[] = [
      {
        id: "pg-a",
        kind: "postgres",
        match: { hosts: ["db.internal.example"], databases: ["hr"] },
      },
      {
        id: "pg-b",
        kind: "postgres",
        match: {
          hosts: ["db.internal.example"],
          ports: [5432],
          databases: ["payments"],
        },
      },
    ];

    const result = resolveIdentity(finding(pgHints), targets);

    expect(result).toMatchObject({ ok: true, identity: { targetId: "pg-b" } });
  });

  it("says what it looked for when nothing matches, and never guesses between two", () => {
    const none = resolveIdentity(finding(pgHints), [
      { id: "pg-x", kind: "postgres", host: "x" },
    ]);
    const two = resolveIdentity(finding(pgHints), [
      { id: "a", kind: "postgres", host: "db.internal.example" },
      { id: "b", kind: "postgres", match: { hosts: ["db.internal.example"] } },
    ]);

    expect(none).toEqual({
      ok: false,
      unresolved: {
        reason:
          "no postgres target matches host db.internal.example port 5432 database payments (checked: pg-x)",
      },
    });
    expect(two).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(/several targets \(a, b\)/) as unknown,
      },
    });
  });

  it("ties an AWS key to the target of its account, read from the principal ARN", () => {
    const hints = {
      awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE",
      awsPrincipalArn: "arn:aws:iam::123456789012:user/ci",
    };
    const targets: MatchableTarget[] = [
      {
        id: "aws-dev",
        kind: "aws-iam",
        match: { awsAccountIds: ["111111111111"] },
      },
      {
        id: "aws-prod",
        kind: "aws-iam",
        match: { awsAccountIds: ["123456789012"] },
      },
    ];

    expect(resolveIdentity(finding(hints), targets)).toMatchObject({
      ok: true,
      identity: { targetId: "aws-prod", principal: "AKIAIOSFODNN7EXAMPLE" },
    });
  });

  it("ties a GitHub token to the target of the repository's org", () => {
    const hints = {
      githubTokenType: "personal-access-token",
      githubRepository: "acme/api",
    };

    const result = resolveIdentity(finding(hints), [
      { id: "gh", kind: "github", match: { githubOrgs: ["acme"] } },
    ]);

    expect(result).toMatchObject({
      ok: true,
      identity: { targetId: "gh", targetKind: "github" },
    });
  });

  it("explains an unresolved finding that carries no hints", () => {
    const result = resolveIdentity(finding({}), []);

    expect(result).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(/no identity hints/) as unknown,
      },
    });
  });

  it("rejects unknown keys and bad account ids in a target's match", () => {
    expect(
      targetMatchSchema.safeParse({ hosts: ["a"], awsAccountIds: ["123"] })
        .success,
    ).toBe(false);
    expect(targetMatchSchema.safeParse({ hostz: ["a"] }).success).toBe(false);
    expect(
      targetMatchSchema.safeParse({ hosts: ["a"], ports: [5432] }).success,
    ).toBe(true);
  });
});
