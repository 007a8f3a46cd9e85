import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  collectFindings,
  parseGithubAlert,
} from "../../../src/ingest/index.js";
import { fixture, writeReport } from "./helpers.js";

describe("format detection and the other sources", () => {
  it.each([
    ["gitleaks/json_simple.json", "gitleaks-json"],
    ["gitleaks/csv_simple.csv", "gitleaks-csv"],
    ["sarif/secretlint-postgres.sarif", "sarif"],
    ["trufflehog/v3_git.json", "trufflehog"],
    [
      "github-secret-scanning/github_secrets_detection_report_one_vul.json",
      "github-secret-scanning",
    ],
    ["github-secret-scanning/reopened.payload.json", "github-secret-scanning"],
    ["ggshield/one_finding.json", "ggshield"],
    [
      "gitguardian-api/test_get_incident.yaml.response-2.json",
      "gitguardian-api",
    ],
    ["detect-secrets/.secrets.baseline", "detect-secrets"],
    ["detect-secrets/baseline.file", "detect-secrets"],
    ["ocsf/example_output_aws.ocsf.json", "ocsf"],
    ["asff/config_many_findings.json", "asff"],
    ["asff/sechub-guardduty.raw", "asff"],
  ])("detects %s as %s from its content", async (file, format) => {
    const result = await collectFindings(fixture(file));

    expect(result.format).toBe(format);
    expect(result.records.length).toBeGreaterThan(0);
  });

  it("maps GitHub alert states and keeps the repository as a hint", async () => {
    const rest = await collectFindings(
      fixture(
        "github-secret-scanning/github_secrets_detection_report_one_vul.json",
      ),
    );
    const hook = await collectFindings(
      fixture("github-secret-scanning/reopened.payload.json"),
    );

    expect(rest.records[0]!.finding).toMatchObject({
      status: "suppressed",
      detector: "adafruit-io-key",
    });
    expect(hook.records[0]!.finding).toMatchObject({
      status: "open",
      hints: { githubRepository: "Codertocat/Hello-World" },
    });
    expect(
      parseGithubAlert({
        number: 3,
        secret_type: "x",
        state: "resolved",
        resolution: "revoked",
      }).finding.status,
    ).toBe("resolved");
  });

  it("derives the GitHub token type from the token prefix", () => {
    const alert = parseGithubAlert({
      number: 1,
      secret_type: "github_personal_access_token",
      secret: "ghs_" + "a".repeat(36),
    });

    expect(alert.finding).toMatchObject({
      detector: "github-token",
      hints: { githubTokenType: "server-to-server-token" },
    });
  });

  it("keys GitGuardian incidents by id so occurrences join their incident", async () => {
    const incident = await collectFindings(
      fixture("gitguardian-api/test_get_incident.yaml.response-2.json"),
    );
    const list = await collectFindings(
      fixture("gitguardian-api/test_get_incident.yaml.response-1.json"),
    );

    expect(incident.records[0]!.finding.fingerprint).toBe(
      list.records[0]!.finding.fingerprint,
    );
    expect(incident.records[0]!.finding).toMatchObject({
      status: "resolved",
      severity: "medium",
    });
    expect(incident.records[0]!.finding.locations.length).toBe(2);
  });

  it("keys detect-secrets by type and hashed secret, not by line", async () => {
    const baseline = JSON.stringify({
      version: "1.5.0",
      results: {
        "a.py": [
          {
            type: "Secret Keyword",
            filename: "a.py",
            hashed_secret: "abc",
            line_number: 1,
          },
        ],
        "b.py": [
          {
            type: "Secret Keyword",
            filename: "b.py",
            hashed_secret: "abc",
            line_number: 9,
          },
        ],
      },
    });

    const result = await collectFindings(writeReport("x.baseline", baseline));

    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.finding.locations.map((l) => l.file)).toEqual([
      "a.py",
      "b.py",
    ]);
  });

  it("does not treat Prowler PASS results as open findings", async () => {
    const doc = JSON.parse(
      readFileSync(fixture("ocsf/example_output_gcp.ocsf.json"), "utf8"),
    ) as {
      status_code: string;
      finding_info: { uid: string };
    }[];
    doc.forEach((f, i) => (f.finding_info.uid = `uid-${i}`));

    const result = await collectFindings(
      writeReport("p.ocsf.json", JSON.stringify(doc)),
    );

    const byCode = doc.map((f, i) => [
      f.status_code,
      result.records[i]!.finding.status,
    ]);
    expect(byCode).toContainEqual(["PASS", "resolved"]);
    expect(byCode).toContainEqual(["FAIL", "open"]);
    expect(
      byCode
        .filter(([code]) => code === "PASS")
        .every(([, s]) => s === "resolved"),
    ).toBe(true);
  });

  it("reads Prowler's bare ASFF array with IAM resources as hints", async () => {
    const result = await collectFindings(
      fixture("asff/prowler-iam-subset.asff.json"),
    );

    const failed = result.records.filter((r) => r.finding.status === "open");
    expect(failed.length).toBe(2);
    expect(failed[0]!.finding.hints).toMatchObject({
      awsAccountId: "123456789012",
    });
  });

  it("reads Access Analyzer unused-access findings", async () => {
    const findings = {
      findings: [
        {
          id: "1",
          findingType: "UnusedIAMUserAccessKey",
          resource: "arn:aws:iam::123456789012:user/ci",
          resourceType: "AWS::IAM::User",
          resourceOwnerAccount: "123456789012",
          status: "ACTIVE",
          findingDetails: [
            {
              unusedIamUserAccessKeyDetails: {
                accessKeyId: "AKIAIOSFODNN7EXAMPLE",
              },
            },
          ],
        },
      ],
    };

    const result = await collectFindings(
      writeReport("aa.json", JSON.stringify(findings)),
    );

    expect(result.format).toBe("access-analyzer");
    expect(result.records[0]!.finding).toMatchObject({
      kind: "access",
      detector: "aws-unused-access-key",
      status: "open",
      hints: {
        awsAccountId: "123456789012",
        awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE",
      },
    });
  });
});
