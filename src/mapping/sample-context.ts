import { makePlan } from "../domain/plan.js";
import type { ManualMappingContext, MappingContext } from "./types.js";

/**
 * A context with every optional field set, rendered once at start-up so a misspelt variable in a
 * mapping stops the daemon there, not at the first real ticket.
 */
export function sampleMappingContext(): MappingContext {
  const plan = makePlan({
    findingFingerprint: "sample-fingerprint",
    targetId: "sample-target",
    targetKind: "postgres",
    principal: "svc_sample",
    actions: [
      {
        id: "a1",
        kind: "postgres.disable-login",
        summary: 'ALTER ROLE "svc_sample" NOLOGIN',
        impact: "sessions of svc_sample are refused",
        verification: "a login with the leaked password fails",
        undo: 'ALTER ROLE "svc_sample" LOGIN',
        optional: false,
        params: { role: "svc_sample" },
      },
    ],
  });
  return {
    finding: {
      fingerprint: "sample-fingerprint",
      kind: "secret",
      source: "gitleaks",
      sources: ["gitleaks"],
      detector: "postgres-connection-string",
      status: "open",
      title: "Sample finding",
      severity: "high",
      preview: "post********5432",
      secretHash: "0".repeat(64),
      locations: [
        {
          source: "gitleaks",
          file: "config/app.env",
          lineReported: 3,
          column: 1,
          commit: "0".repeat(40),
          repository: "example/repo",
          url: "https://example.invalid/repo",
          resource: "arn:aws:iam::000000000000:user/sample",
        },
      ],
      hints: { principal: "svc_sample" },
      tags: ["sample"],
      detectedAt: "2025-01-01T00:00:00.000Z",
    },
    identity: {
      targetId: "sample-target",
      targetKind: "postgres",
      principal: "svc_sample",
      owner: "team-sample",
    },
    plan,
    planText: "sample plan text",
    correlationId: "finding-sample-fingerprint",
    owner: "team-sample",
  };
}

/** The manual-remediation sample: the same finding, no identity, no plan, a reason. */
export function sampleManualContext(): ManualMappingContext {
  const { finding } = sampleMappingContext();
  return {
    finding,
    reason: "no postgres target matches host db.sample port 5432",
    correlationId: "finding-sample-fingerprint-manual",
    owner: "team-sample",
  };
}
