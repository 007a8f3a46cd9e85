import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "../../helpers/scratch-dir.js";

/**
 * The same secret as three scanners report it (reference/finding-formats.md §1, §2, §6): TruffleHog
 * JSON lines, a gitleaks JSON report and a secretlint SARIF file that masks the value, so it is
 * read back from the scanned file under `sourceRoot`. Each tool saw it in another place.
 */
export interface ThreeReports {
  value: string;
  /** What closeloop takes as the credential: the value, or a connection string's password. */
  secret: string;
  trufflehog: string;
  gitleaks: string;
  secretlint: string;
  sourceRoot: string;
}

export type ValueKind = "api-token" | "postgres-url";

export function freshValue(kind: ValueKind): { value: string; secret: string } {
  const secret = randomBytes(18).toString("base64url").replace(/[-_]/g, "x");
  if (kind === "api-token")
    return { value: `tok_${secret}`, secret: `tok_${secret}` };
  return {
    value: `postgres://svc_billing:${secret}@db.payments.internal:5432/payments`,
    secret,
  };
}

export function threeReports(kind: ValueKind): ThreeReports {
  const { value, secret } = freshValue(kind);
  const dir = scratchDir("closeloop-cross-source-");
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  const trufflehog = write(
    "trufflehog.jsonl",
    JSON.stringify({
      SourceMetadata: {
        Data: {
          Git: {
            commit: "fbc14303ffbf8fb1c2c1914e8dda7d0121633aca",
            file: "deploy/.env",
            repository: "https://github.com/acme/billing",
            line: 2,
          },
        },
      },
      SourceName: "trufflehog - git",
      DetectorName: kind === "postgres-url" ? "Postgres" : "GenericApiKey",
      DecoderName: "PLAIN",
      Verified: false,
      Raw: value,
      Redacted: "",
    }) + "\n",
  );
  const gitleaks = write(
    "gitleaks.json",
    JSON.stringify([
      {
        RuleID: "generic-api-key",
        Description: "Detected a Generic API Key",
        StartLine: 5,
        StartColumn: 14,
        Match: `SECRET=${value}`,
        Secret: value,
        File: "config/settings.py",
        Commit: "8f388be3452f8d9f20ed788c94ebc11faa8ae7b6",
        Tags: [],
      },
    ]),
  );
  const prefix = "APP_SECRET=";
  write("app.env", `${prefix}${value}\n`);
  const rule =
    "@secretlint/secretlint-rule-preset-recommend > @secretlint/secretlint-rule-pattern";
  const secretlint = write(
    "secretlint.sarif",
    JSON.stringify({
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "secretlint", rules: [{ id: rule }] } },
          results: [
            {
              level: "error",
              message: { text: `found secret: ${"*".repeat(value.length)}` },
              ruleId: rule,
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "app.env" },
                    region: {
                      startLine: 1,
                      startColumn: prefix.length + 1,
                      endLine: 1,
                      endColumn: prefix.length + 1 + value.length,
                    },
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  return { value, secret, trufflehog, gitleaks, secretlint, sourceRoot: dir };
}

/** A GitHub secret scanning alert for the same value, with `secret` or pulled with hide_secret. */
export function githubAlert(value: string | null): string {
  const dir = scratchDir("closeloop-cross-source-");
  const path = join(dir, "alerts.json");
  writeFileSync(
    path,
    JSON.stringify([
      {
        number: 42,
        state: "open",
        secret_type: "generic_token",
        ...(value === null ? {} : { secret: value }),
        repository: { full_name: "acme/billing" },
        first_location_detected: { path: "docs/setup.md", start_line: 9 },
      },
    ]),
  );
  return path;
}
