import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import { resolveIdentity } from "../../../src/identity/index.js";
import { collectFindings } from "../../../src/ingest/index.js";
import { fixture } from "./helpers.js";

const ACCOUNT = "123456789012";
const USER_ARN = `arn:aws:iam::${ACCOUNT}:user/svc-reports`;

/** The findings of a fixture; `titled(x)` picks the one whose title starts with x. */
async function findingsOf(
  file: string,
): Promise<Finding[] & { titled(start: string): Finding | undefined }> {
  const result = await collectFindings(fixture(`ocsf/${file}`));
  expect(result.format).toBe("ocsf");
  const findings = result.records.map((r) => r.finding);
  return Object.assign(findings, {
    titled: (start: string) => findings.find((f) => f.title.startsWith(start)),
  });
}

describe("OCSF Detection Finding, versions 1.1 to 1.6", () => {
  it.each([
    ["1.1.0", 1],
    ["1.2.0", 1],
    ["1.3.0", 1],
    ["1.4.0", 2],
    ["1.5.0", 2],
    ["1.6.0", 4],
  ])("detects and reads OCSF %s", async (version, count) => {
    const result = await collectFindings(
      fixture(`ocsf/detection_finding-${version}.json`),
    );

    expect(result.format).toBe("ocsf");
    expect(result.records).toHaveLength(count);
    expect(result.records.every((r) => r.finding.kind === "access")).toBe(true);
    expect(result.records.every((r) => r.secret === null)).toBe(true);
  });

  it.each([
    ["1.1.0", "open", "medium"],
    ["1.2.0", "open", "medium"],
    ["1.3.0", "open", "low"],
    ["1.4.0", "open", "medium"],
    ["1.4.0", "resolved", "critical"],
    ["1.5.0", "suppressed", "high"],
    ["1.5.0", "open", "high"],
    ["1.6.0", "resolved", "critical"],
    ["1.6.0", "resolved", "low"],
    ["1.6.0", "open", "medium"],
    ["1.6.0", "resolved", "high"],
  ])(
    "maps the status and severity of an OCSF %s finding to %s, %s",
    async (version, status, severity) => {
      const result = await collectFindings(
        fixture(`ocsf/detection_finding-${version}.json`),
      );

      const pairs = result.records.map((r) => [
        r.finding.status,
        r.finding.severity,
      ]);

      expect(pairs).toContainEqual([status, severity]);
    },
  );

  it("keeps the product, the check and the account of a Prowler 1.2 finding", async () => {
    const [f] = await findingsOf("detection_finding-1.2.0.json");

    expect(f).toMatchObject({
      source: "prowler",
      detector: "iam-rotate-access-key-90-days",
      locations: [{ source: "prowler", resource: USER_ARN }],
      hints: {
        awsAccountId: ACCOUNT,
        awsPrincipalArn: USER_ARN,
        principal: USER_ARN,
      },
      detectedAt: "2026-03-02T10:00:00.000Z",
    });
  });

  it("takes the detection time from created_time_dt, else from time_dt", async () => {
    const [okta] = await findingsOf("detection_finding-1.3.0.json");
    const [hub] = await findingsOf("detection_finding-1.1.0.json");

    expect(okta?.detectedAt).toBe("2026-03-02T10:00:00.000Z");
    expect(hub?.detectedAt).toBe("2026-03-01T10:00:00.000Z");
  });

  it("gives each finding of a file its own fingerprint, stable across reads", async () => {
    const a = await collectFindings(
      fixture("ocsf/detection_finding-1.6.0.json"),
    );
    const b = await collectFindings(
      fixture("ocsf/detection_finding-1.6.0.json"),
    );

    const fps = a.records.map((r) => r.finding.fingerprint);
    expect(new Set(fps).size).toBe(4);
    expect(b.records.map((r) => r.finding.fingerprint)).toEqual(fps);
  });
});

describe("OCSF IAM Analysis Finding (class 2008, OCSF 1.6)", () => {
  it("reads the identity and its unused access key", async () => {
    const iam = await findingsOf("iam_analysis_finding-1.6.0.json");

    const key = iam.titled("Unused access key of svc-reports");

    expect(key).toMatchObject({
      kind: "access",
      source: "example-iam-analyzer",
      status: "open",
      severity: "medium",
      tags: ["UnusedIAMUserAccessKey"],
      locations: [{ source: "example-iam-analyzer", resource: USER_ARN }],
      hints: {
        awsAccountId: ACCOUNT,
        awsPrincipalArn: USER_ARN,
        awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE",
        principal: "svc-reports",
      },
      detectedAt: "2026-03-05T10:00:00.000Z",
    });
  });

  it("reads an over-privileged role with its detection time from `time`", async () => {
    const iam = await findingsOf("iam_analysis_finding-1.6.0.json");

    const role = iam.titled("Role etl-runner holds permissions it never used");

    expect(role).toMatchObject({
      status: "open",
      severity: "high",
      tags: ["UnusedPermission"],
      hints: {
        awsAccountId: ACCOUNT,
        awsPrincipalArn: `arn:aws:iam::${ACCOUNT}:role/etl-runner`,
      },
      detectedAt: "2026-03-05T10:00:00.000Z",
    });
  });

  it("does not take a resolved IAM analysis as an open finding", async () => {
    const iam = await findingsOf("iam_analysis_finding-1.6.0.json");

    expect(iam.titled("Unused console password of ops-bot")?.status).toBe(
      "resolved",
    );
  });

  it("resolves the unused key to the AWS target of its account, by key id", async () => {
    const iam = await findingsOf("iam_analysis_finding-1.6.0.json");
    const key = iam.titled("Unused access key of svc-reports")!;

    const resolution = resolveIdentity(key, [
      {
        id: "aws-other",
        kind: "aws-iam",
        match: { awsAccountIds: ["999999999999"] },
      },
      { id: "aws-prod", kind: "aws-iam", match: { awsAccountIds: [ACCOUNT] } },
    ]);

    expect(resolution).toEqual({
      ok: true,
      identity: {
        targetId: "aws-prod",
        targetKind: "aws-iam",
        principal: "AKIAIOSFODNN7EXAMPLE",
      },
    });
  });
});
