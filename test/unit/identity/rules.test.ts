import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import {
  resolveIdentity,
  targetMatchSchema,
  type MatchableTarget,
} from "../../../src/identity/index.js";

const INTEGRATION_USER = "integration@acme.example";

/** A Salesforce token as TruffleHog reports it: the token alone, no org, no user. */
function truffleHogToken(overrides: Partial<Finding> = {}): Finding {
  return {
    fingerprint: "f-sf",
    kind: "secret",
    source: "trufflehog",
    sources: ["trufflehog"],
    detector: "salesforce-token",
    status: "open",
    title: "Salesforce token",
    severity: "high",
    preview: "00D5********MNOP",
    locations: [
      {
        source: "trufflehog",
        file: "./config/integration.env",
        lineReported: 4,
      },
    ],
    hints: {},
    tags: [],
    detectedAt: "2026-05-01T10:00:00.000Z",
    ...overrides,
  };
}

const sfProd: MatchableTarget = {
  id: "sf-prod",
  kind: "salesforce",
  match: {
    salesforceInstances: ["acme.my.salesforce.com"],
    rules: [
      {
        detector: "salesforce-token",
        source: "trufflehog",
        pathGlob: "config/integration.env",
        principal: INTEGRATION_USER,
      },
    ],
  },
};

describe("resolveIdentity by a target's match.rules", () => {
  it("ties a TruffleHog Salesforce token to the org and the integration user a rule names", () => {
    const result = resolveIdentity(truffleHogToken(), [sfProd]);

    expect(result).toEqual({
      ok: true,
      identity: {
        targetId: "sf-prod",
        targetKind: "salesforce",
        principal: INTEGRATION_USER,
      },
    });
  });

  it("claims nothing when one of the rule's conditions does not hold", () => {
    const elsewhere = truffleHogToken({
      locations: [{ source: "trufflehog", file: "deploy/other.env" }],
    });
    const otherScanner = truffleHogToken({
      source: "gitleaks",
      sources: ["gitleaks"],
    });

    const byPath = resolveIdentity(elsewhere, [sfProd]);
    const bySource = resolveIdentity(otherScanner, [sfProd]);

    expect(byPath).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(
          /no identity hints.*match\.rules/,
        ) as unknown,
      },
    });
    expect(bySource.ok).toBe(false);
  });

  it("never overrides the org a finding names itself", () => {
    const otherOrg = truffleHogToken({
      hints: { salesforceInstance: "other.my.salesforce.com" },
    });

    const result = resolveIdentity(otherOrg, [sfProd]);

    expect(result).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(
          /no salesforce target matches Salesforce instance other\.my\.salesforce\.com.*rules of sf-prod fit/,
        ) as unknown,
      },
    });
  });

  it("reports two targets whose rules fit instead of guessing between them", () => {
    const sfSandbox: MatchableTarget = {
      id: "sf-sandbox",
      kind: "salesforce",
      match: { rules: [{ detector: "salesforce-token", principal: "x@y" }] },
    };

    const result = resolveIdentity(truffleHogToken(), [sfProd, sfSandbox]);

    expect(result).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(
          /match\.rules of several targets fit \(sf-prod, sf-sandbox\)/,
        ) as unknown,
      },
    });
  });

  it("takes the principal from the finding when the rule names none", () => {
    const key = truffleHogToken({
      detector: "aws-access-key",
      locations: [{ source: "trufflehog", file: "infra/ci/deploy.sh" }],
      hints: { awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE" },
    });
    const targets: MatchableTarget[] = [
      {
        id: "aws-ci",
        kind: "aws-iam",
        match: {
          awsAccountIds: ["123456789012"],
          rules: [{ pathGlob: "infra/**" }],
        },
      },
    ];

    const result = resolveIdentity(key, targets);

    expect(result).toMatchObject({
      ok: true,
      identity: { targetId: "aws-ci", principal: "AKIAIOSFODNN7EXAMPLE" },
    });
  });

  it("says which rule lacks a principal when neither it nor the finding has one", () => {
    const target: MatchableTarget = {
      id: "sf-prod",
      kind: "salesforce",
      match: { rules: [{ detector: "salesforce-token" }] },
    };

    const result = resolveIdentity(truffleHogToken(), [target]);

    expect(result).toMatchObject({
      ok: false,
      unresolved: {
        reason: expect.stringMatching(
          /target sf-prod match\.rules\[0\] fits but names no principal/,
        ) as unknown,
      },
    });
  });

  it("refuses a rule with no condition, which would claim every finding", () => {
    const catchAll = targetMatchSchema.safeParse({
      rules: [{ principal: INTEGRATION_USER }],
    });
    const scoped = targetMatchSchema.safeParse({
      rules: [{ detector: "salesforce-token", principal: INTEGRATION_USER }],
    });

    expect(catchAll.success).toBe(false);
    expect(catchAll.error?.issues[0]?.message).toMatch(
      /at least one of detector/,
    );
    expect(scoped.success).toBe(true);
  });
});
