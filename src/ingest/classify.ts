import type { IdentityHints } from "../domain/finding.js";
import { maskSecret } from "../domain/secret.js";
import {
  findPostgresUrl,
  maskPostgresDsn,
  parsePostgresDsn,
} from "./postgres-dsn.js";

/** What the value itself says: which detector, which identity, and what is the secret in it. */
export interface Classified {
  detector: string;
  hints: IdentityHints;
  /** The part that is the credential (a connection string's password). */
  secret: string;
  /** What the fingerprint is computed over. */
  identity: string;
  preview: string;
}

const MAYBE_DSN = /postgres|password\s*=/i;
const AWS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;

// Token prefixes: https://github.blog/engineering/platform-security/
// behind-githubs-new-authentication-token-formats/
const GITHUB_PREFIXES: [string, string][] = [
  ["github_pat_", "fine-grained-personal-access-token"],
  ["ghp_", "personal-access-token"],
  ["gho_", "oauth-access-token"],
  ["ghu_", "user-to-server-token"],
  ["ghs_", "server-to-server-token"],
  ["ghr_", "refresh-token"],
];

export function classifyValue(value: string, rule: string): Classified {
  const trimmed = value.trim();
  const dsn = MAYBE_DSN.test(trimmed)
    ? (parsePostgresDsn(trimmed) ??
      parsePostgresDsn(findPostgresUrl(trimmed) ?? ""))
    : null;
  if (dsn) {
    const { password, ...where } = dsn;
    return {
      detector: "postgres-connection-string",
      hints: { postgres: where },
      secret: password,
      // The same password for another role or server is another credential.
      identity: `postgres:${dsn.user}@${dsn.host}:${dsn.port ?? 5432}\u0000${password}`,
      preview: maskPostgresDsn(dsn),
    };
  }

  const plain = { secret: value, identity: value, preview: maskSecret(value) };
  if (AWS_KEY_ID.test(trimmed)) {
    return {
      ...plain,
      detector: "aws-access-key",
      hints: { awsAccessKeyId: trimmed },
    };
  }
  const github = GITHUB_PREFIXES.find(([prefix]) => trimmed.startsWith(prefix));
  if (github) {
    return {
      ...plain,
      detector: "github-token",
      hints: { githubTokenType: github[1] },
    };
  }
  if (/-----BEGIN [A-Z ]*PRIVATE KEY/.test(value)) {
    return { ...plain, detector: "private-key", hints: {} };
  }
  return { ...plain, detector: normaliseRule(rule), hints: {} };
}

/** A tool's rule id or name as one of closeloop's detector names, or a slug of it. */
export function normaliseRule(rule: string): string {
  const last = rule.split(">").pop() ?? rule;
  const name = last
    .trim()
    .replace(/^@secretlint\/secretlint-rule-/, "")
    .toLowerCase();
  if (/postgres/.test(name)) return "postgres-connection-string";
  if (/private.?key/.test(name)) return "private-key";
  if (/^aws$|aws.*(access|key|token|iam)/.test(name)) return "aws-access-key";
  if (/github/.test(name)) return "github-token";
  if (/salesforce/.test(name)) return "salesforce-token";
  return slug(name);
}

export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "unknown"
  );
}

const TITLES: Record<string, string> = {
  "postgres-connection-string": "PostgreSQL connection string",
  "aws-access-key": "AWS access key",
  "github-token": "GitHub token",
  "private-key": "Private key",
};

export function describeDetector(detector: string, ruleTitle?: string): string {
  return TITLES[detector] ?? (ruleTitle?.trim() || detector);
}
