import { createHash, randomBytes } from "node:crypto";

/**
 * One report per supported secret format, shaped like the samples in
 * ../shared/fixtures/findings/ (reference/finding-formats.md), each carrying fresh canary values
 * in every field that holds a secret or text around it.
 */

/** A value made up at run time: letters and digits only, so no format has to escape it. */
export function freshCanary(label: string): string {
  const random = randomBytes(24)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "");
  return `Cnry${label}${random}`;
}

export interface CanaryReport {
  name: string;
  /** The file name the report is written under. */
  file: string;
  text: string;
  /** The value closeloop takes as the secret; null where the format carries none. */
  secret: string | null;
  /** Every canary in the report (the secret too): none may reach a sink. */
  canaries: Record<string, string>;
  /** Files of the scanned project, for a report that points into them (`--source-root`). */
  project?: Record<string, string>;
}

const sha1 = (value: string): string =>
  createHash("sha1").update(value).digest("hex");
const sha256 = (value: string): string =>
  createHash("sha256").update(value).digest("hex");
const b64 = (value: string): string => Buffer.from(value).toString("base64");

function gitleaksV8(): CanaryReport {
  const c = {
    secret: freshCanary("GlV8Secret"),
    match: freshCanary("GlV8Match"),
    line: freshCanary("GlV8Line"),
  };
  const finding = {
    RuleID: "generic-api-key",
    Description: "Detected a Generic API Key",
    StartLine: 3,
    EndLine: 3,
    StartColumn: 12,
    EndColumn: 60,
    Match: `api_key = "${c.secret}" ${c.match}`,
    Secret: c.secret,
    Line: `api_key = "${c.secret}" ${c.line}`,
    Fragment: c.line,
    File: "services/billing/settings.py",
    SymlinkFile: "",
    Commit: "8f388be3452f8d9f20ed788c94ebc11faa8ae7b6",
    Entropy: 4.9,
    Author: "John Doe",
    Email: "johndoe@example.com",
    Date: "2026-05-01T10:00:00Z",
    Message: `add settings ${c.line}`,
    Tags: [],
    Fingerprint: "8f388be3:services/billing/settings.py:generic-api-key:3",
  };
  return report("gitleaks JSON v8", "gitleaks-v8.json", [finding], c);
}

function gitleaksV7(): CanaryReport {
  const c = {
    secret: freshCanary("GlV7Offender"),
    line: freshCanary("GlV7Line"),
  };
  const finding = {
    line: `TOKEN=${c.secret} ${c.line}`,
    lineNumber: 7,
    offender: c.secret,
    commit: "ec2fc9d6cb8c8c9e8f5e1e6a1b1a7e8d9c0b1a2f",
    repo: "billing",
    repoURL: "https://github.com/acme/billing",
    leakURL: "https://github.com/acme/billing/blob/ec2fc9d6/deploy/.env#L7",
    rule: "Generic Credential",
    commitMessage: `rotate ${c.line}`,
    author: "John Doe",
    email: "johndoe@example.com",
    file: "deploy/.env",
    date: "2026-04-30T09:00:00Z",
    tags: "key, generic",
  };
  return report("gitleaks JSON v7", "gitleaks-v7.json", [finding], c);
}

function gitleaksCsv(): CanaryReport {
  const c = {
    secret: freshCanary("GlCsvSecret"),
    match: freshCanary("GlCsvMatch"),
  };
  const text =
    "RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine,EndLine,StartColumn," +
    "EndColumn,Author,Message,Date,Email,Fingerprint,Tags\n" +
    `generic-api-key,0000000000000000,config/app.ini,,${c.secret},` +
    `key=${c.secret}${c.match},4,4,5,60,John Doe,opps,10-19-2003,` +
    "johndoe@example.com,config/app.ini:generic-api-key:4,tag1 tag2\n";
  return { name: "gitleaks CSV", file: "gitleaks.csv", text, ...ofSecret(c) };
}

function gitleaksSarif(): CanaryReport {
  const c = {
    secret: freshCanary("GlSarifSnippet"),
    message: freshCanary("GlSarifMessage"),
  };
  const doc = sarifDoc("gitleaks", "generic-api-key", {
    message: { text: `generic-api-key has detected secret ${c.message}` },
    ruleId: "generic-api-key",
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: "auth.py" },
          region: {
            startLine: 1,
            startColumn: 1,
            endLine: 1,
            endColumn: 40,
            snippet: { text: c.secret },
          },
        },
      },
    ],
    partialFingerprints: {
      commitSha: "0000000000000000",
      email: "johndoe@example.com",
      author: "John Doe",
      date: "10-19-2003",
      commitMessage: `opps ${c.message}`,
    },
  });
  return report("gitleaks SARIF", "gitleaks.sarif", doc, c);
}

/** secretlint masks the value in its message; closeloop reads it back from the project file. */
function secretlintSarif(): CanaryReport {
  const c = { secret: freshCanary("SlSecret") };
  const prefix = "API_TOKEN=";
  const rule =
    "@secretlint/secretlint-rule-preset-recommend > " +
    "@secretlint/secretlint-rule-pattern";
  const doc = sarifDoc("secretlint", rule, {
    level: "error",
    message: { text: `found secret: ${"*".repeat(c.secret.length)}` },
    ruleId: rule,
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: "app.env", index: 0 },
          region: {
            startLine: 1,
            startColumn: prefix.length + 1,
            endLine: 1,
            endColumn: prefix.length + 1 + c.secret.length,
          },
        },
      },
    ],
    ruleIndex: 0,
  });
  return {
    ...report("secretlint SARIF", "secretlint.sarif", doc, c),
    project: { "app.env": `${prefix}${c.secret}\n` },
  };
}

function trufflehogLine(label: string, base64Raw: boolean): CanaryReport {
  const c = {
    secret: freshCanary(`Th${label}Raw`),
    rawV2: freshCanary(`Th${label}RawV2`),
    part: freshCanary(`Th${label}Part`),
    extra: freshCanary(`Th${label}Extra`),
  };
  const line = {
    SourceMetadata: {
      Data: {
        Git: {
          commit: "fbc14303ffbf8fb1c2c1914e8dda7d0121633aca",
          file: `keys/${label.toLowerCase()}.txt`,
          email: "counter <counter@example.com>",
          repository: "https://github.com/acme/test_keys",
          timestamp: "2026-05-01 10:17:40 -0700 PDT",
          line: 4,
        },
      },
    },
    SourceID: 0,
    SourceType: 16,
    SourceName: "trufflehog - git",
    DetectorType: 1000,
    DetectorName: "GenericApiKey",
    DecoderName: "PLAIN",
    Verified: false,
    Raw: base64Raw ? b64(c.secret) : c.secret,
    RawV2: `${c.secret}:${c.rawV2}`,
    Redacted: "",
    ExtraData: { note: c.extra },
    SecretParts: { key: c.secret, part: c.part },
  };
  const name = `TruffleHog JSON lines, ${base64Raw ? "base64" : "plain"} Raw`;
  return {
    name,
    file: `trufflehog-${label.toLowerCase()}.jsonl`,
    text: `${JSON.stringify(line)}\r\n`,
    ...ofSecret(c),
  };
}

/** ggshield censors matches unless `--show-secrets`; here it was given. */
function ggshield(): CanaryReport {
  const c = { secret: freshCanary("GgMatch") };
  const doc = {
    id: "54c2793a-89f2-4480-8468-ad042349357b",
    type: "commit-range",
    scans: [
      {
        id: "8f388be3452f8d9f20ed788c94ebc11faa8ae7b6",
        type: "commit",
        entities_with_incidents: [
          {
            mode: "MODIFY",
            filename: "wapf/settings.py",
            incidents: [
              {
                policy: "Secrets detection",
                occurrences: [
                  {
                    match: c.secret,
                    type: "apikey",
                    line_start: 12,
                    line_end: 12,
                    index_start: 31,
                    index_end: 31 + c.secret.length,
                  },
                ],
                type: "Generic High Entropy Secret",
                validity: "no_checker",
                ignore_sha: sha256(`${c.secret},apikey`),
                total_occurrences: 1,
              },
            ],
            total_incidents: 1,
            total_occurrences: 1,
          },
        ],
        extra_info: {
          author: "iamnihal",
          email: "nihal@example.com",
          date: "Mon Jul 5 12:54:43 2021 +0530",
        },
        total_incidents: 1,
        total_occurrences: 1,
      },
    ],
    total_incidents: 1,
    total_occurrences: 1,
  };
  return { ...report("ggshield JSON", "ggshield.json", doc, c), secret: null };
}

/** The incidents API never returns the value, only GitGuardian's hashes of it. */
function gitguardianApi(): CanaryReport {
  const value = freshCanary("GgApiUnseen");
  const doc = {
    id: 21460,
    detector: {
      name: "generic_high_entropy_secret",
      display_name: "Generic High Entropy Secret",
      nature: "generic",
      family: "credentials",
    },
    date: "2026-04-29T13:19:59.005564Z",
    secret_id: 70588,
    secret_hash: b64(sha256(value)).slice(0, 64),
    hmsl_hash: sha256(value),
    occurrences_count: 1,
    status: "TRIGGERED",
    validity: "valid",
    severity: "high",
    tags: ["PUBLIC"],
    gitguardian_url:
      "https://dashboard.gitguardian.com/workspace/1/incidents/1",
    occurrences: [
      {
        id: 78197,
        incident_id: 21460,
        date: "2026-04-29T13:20:05.797462Z",
        filepath: "app.py",
        kind: "realtime",
        presence: "present",
        matches: [{ name: "apikey", pre_line_start: 3, pre_line_end: 3 }],
        sha: "4c2166bbf37e361fe9a818bffb6a1b2c3d4e5f60",
        url: "https://github.com/acme/app/commit/4c2166bb#L3",
        source: { full_name: "acme/app" },
      },
    ],
  };
  return {
    name: "GitGuardian incidents API JSON",
    file: "gitguardian-incident.json",
    text: JSON.stringify(doc),
    secret: null,
    canaries: {},
  };
}

/** A baseline holds an unsalted SHA-1 of each value: treated here as a canary as well. */
function detectSecrets(): CanaryReport {
  const value = freshCanary("DsUnseen");
  const doc = {
    version: "1.5.0",
    plugins_used: [{ name: "KeywordDetector" }],
    filters_used: [],
    results: {
      "config/settings.py": [
        {
          type: "Secret Keyword",
          filename: "config/settings.py",
          hashed_secret: sha1(value),
          is_verified: false,
          line_number: 9,
        },
      ],
    },
    generated_at: "2026-04-28T20:49:20Z",
  };
  return {
    name: "detect-secrets baseline",
    file: ".secrets.baseline",
    text: JSON.stringify(doc),
    secret: null,
    canaries: { hashedSecret: sha1(value) },
  };
}

function githubAlerts(): CanaryReport {
  const c = { secret: freshCanary("GhRestSecret") };
  const alert = {
    number: 2,
    created_at: "2026-04-06T18:48:51Z",
    url: "https://api.github.com/repos/acme/private-repo/secret-scanning/alerts/2",
    html_url: "https://github.com/acme/private-repo/security/secret-scanning/2",
    state: "open",
    resolution: null,
    secret_type: "adafruit_io_key",
    secret_type_display_name: "Adafruit IO Key",
    secret: c.secret,
    repository: { id: 1296269, full_name: "acme/private-repo" },
    validity: "active",
    publicly_leaked: false,
    first_location_detected: {
      path: "/example/secrets.txt",
      start_line: 1,
      end_line: 1,
      start_column: 1,
      end_column: 64,
    },
  };
  return report("GitHub secret scanning alerts", "gh-alerts.json", [alert], c);
}

/** GitHub's webhook carries no value; one that did (a hostile or future payload) is a canary. */
function githubWebhook(): CanaryReport {
  const c = { secret: freshCanary("GhHookSecret") };
  const payload = {
    action: "reopened",
    alert: {
      number: 191,
      secret_type: "adafruit_io_key",
      resolution: null,
      resolved_by: null,
      resolved_at: null,
      secret: c.secret,
    },
    repository: { id: 186853002, full_name: "acme/hello-world" },
    organization: { login: "acme" },
    sender: { login: "octocat", type: "User" },
  };
  return report(
    "GitHub secret_scanning_alert webhook payload",
    "gh-webhook.json",
    payload,
    c,
  );
}

function sarifDoc(tool: string, rule: string, result: object): object {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: tool,
            rules: [{ id: rule, shortDescription: { text: `${rule} error` } }],
          },
        },
        results: [result],
      },
    ],
  };
}

function ofSecret(c: Record<string, string> & { secret: string }) {
  return { secret: c.secret, canaries: c };
}

function report(
  name: string,
  file: string,
  doc: unknown,
  c: Record<string, string> & { secret: string },
): CanaryReport {
  return { name, file, text: JSON.stringify(doc, null, 1), ...ofSecret(c) };
}

/** Every format, each with canaries of its own (so no two reports merge into one finding). */
export function canaryReports(): CanaryReport[] {
  return [
    gitleaksV8(),
    gitleaksV7(),
    gitleaksCsv(),
    gitleaksSarif(),
    secretlintSarif(),
    trufflehogLine("Plain", false),
    trufflehogLine("Base64", true),
    ggshield(),
    gitguardianApi(),
    detectSecrets(),
    githubAlerts(),
    githubWebhook(),
  ];
}
