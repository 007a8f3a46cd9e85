import { describe, expect, it } from "vitest";
import {
  collectFindings,
  findingToDryRunJson,
} from "../../../src/ingest/index.js";
import type { FormatName } from "../../../src/ingest/index.js";
import { writeReport } from "./helpers.js";

// Made-up values in every field that carries a secret in each format (reference §0, §10.3).
const C = {
  secret: "canarySECRETvalue0123456789abcdef",
  match: "canaryMATCHvalue0123456789",
  line: "canaryLINEvalue0123456789",
  pgPassword: "canaryPGpassw0rd42",
  raw2: "canaryRAWV2secret0123456789",
  parts: "canaryPARTSsecret0123456789",
};

const reports: [FormatName, string, string][] = [
  [
    "gitleaks-json",
    "g.json",
    JSON.stringify([
      {
        RuleID: "generic",
        StartLine: 1,
        Secret: C.secret,
        Match: C.match,
        Line: C.line,
        Fragment: C.line,
        File: "a.env",
      },
    ]),
  ],
  [
    "gitleaks-json",
    "g7.json",
    JSON.stringify([
      {
        rule: "AWS",
        offender: C.secret,
        line: C.line,
        lineNumber: 2,
        file: "b.env",
      },
    ]),
  ],
  [
    "gitleaks-csv",
    "g.csv",
    `RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine\n` +
      `generic,c,a.env,,${C.secret},${C.match},1\n`,
  ],
  [
    "sarif",
    "s.sarif",
    JSON.stringify({
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "gitleaks" } },
          results: [
            {
              ruleId: "generic",
              message: { text: `found ${C.match}` },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "a.env" },
                    region: { startLine: 1, snippet: { text: C.secret } },
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  ],
  [
    "trufflehog",
    "t.jsonl",
    JSON.stringify({
      DetectorName: "Postgres",
      Raw: `postgres://svc:${C.pgPassword}@db:5432/app`,
      RawV2: C.raw2,
      SecretParts: { p: C.parts },
      Redacted: "postgres://svc:****@db",
      SourceMetadata: { Data: { Filesystem: { file: "x", line: 1 } } },
    }) + "\n",
  ],
  [
    "github-secret-scanning",
    "gh.json",
    JSON.stringify([
      {
        number: 1,
        secret_type: "github_personal_access_token",
        secret: `ghp_${C.secret}`,
        state: "open",
        repository: { full_name: "o/r" },
      },
    ]),
  ],
  [
    "gitleaks-json",
    "pg.json",
    JSON.stringify([
      {
        RuleID: "pg",
        StartLine: 1,
        File: "c.env",
        Secret: `host=db port=5432 user=svc password=${C.pgPassword} dbname=app`,
        Match: C.match,
      },
    ]),
  ],
];

describe("canary secrets", () => {
  it.each(reports)(
    "never appear in %s findings or dry-run output (%s)",
    async (format, name, text) => {
      const result = await collectFindings(writeReport(name, text), { format });

      expect(result.records.length).toBeGreaterThan(0);
      const out = JSON.stringify([
        result.records,
        result.records.map((r) => r.finding),
        result.records.map((r) => findingToDryRunJson(r.finding)),
        result.records.map((r) => String(r.secret)),
      ]);
      for (const value of Object.values(C)) expect(out).not.toContain(value);
      expect(result.records.some((r) => r.secret !== null)).toBe(true);
    },
  );

  it("keeps the value out of error messages about a broken report", async () => {
    const text = `[{"RuleID":"x","Secret":"${C.secret}" "File":"a"}]`;

    const error = await collectFindings(writeReport("bad.json", text)).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: "MALFORMED_REPORT" });
    expect(
      JSON.stringify([
        (error as Error).message,
        (error as { details: unknown }).details,
      ]),
    ).not.toContain(C.secret);
  });
});
