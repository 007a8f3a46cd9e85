import type { Finding } from "../../../src/domain/finding.js";
import { makePlan, type Plan } from "../../../src/domain/plan.js";
import type { MappingContext } from "../../../src/mapping/types.js";
import { renderPlanText } from "../../../src/mapping/plan-text.js";

export const fixtureFinding: Finding = {
  fingerprint: "fp-7c1e",
  kind: "secret",
  source: "gitleaks",
  sources: ["gitleaks", "trufflehog"],
  detector: "postgres-connection-string",
  status: "open",
  title: "Postgres password in config/app.env",
  severity: "high",
  preview: "post********5432",
  secretHash: "a".repeat(64),
  locations: [
    {
      source: "gitleaks",
      file: "config/app.env",
      lineReported: 3,
      commit: "abc123",
    },
  ],
  hints: { postgres: { host: "db.internal", user: "svc_leaky" } },
  tags: [],
  detectedAt: "2025-03-01T10:00:00.000Z",
};

export const fixturePlan: Plan = makePlan({
  findingFingerprint: "fp-7c1e",
  targetId: "pg-prod",
  targetKind: "postgres",
  principal: "svc_leaky",
  actions: [
    {
      id: "a1",
      kind: "postgres.disable-login",
      summary: 'ALTER ROLE "svc_leaky" NOLOGIN',
      impact: "new sessions of svc_leaky are refused",
      verification: "a login with the leaked password fails",
      undo: 'ALTER ROLE "svc_leaky" LOGIN',
      optional: false,
      params: { role: "svc_leaky" },
    },
    {
      id: "a2",
      kind: "postgres.terminate-sessions",
      summary: "terminate the open sessions of svc_leaky",
      impact: "running queries of svc_leaky are cut off",
      verification: "pg_stat_activity shows no session of svc_leaky",
      undo: null,
      optional: true,
      params: { role: "svc_leaky" },
    },
  ],
});

export function fixtureContext(
  overrides: Partial<MappingContext> = {},
): MappingContext {
  return {
    finding: fixtureFinding,
    identity: {
      targetId: "pg-prod",
      targetKind: "postgres",
      principal: "svc_leaky",
      owner: "payments",
    },
    plan: fixturePlan,
    planText: renderPlanText(fixturePlan),
    correlationId: "finding-fp-7c1e",
    owner: "payments",
    ...overrides,
  };
}
