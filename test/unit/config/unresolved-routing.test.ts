import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import {
  routeUnresolvedFor,
  unresolvedKinds,
} from "../../../src/config/routing.js";
import { routingConfigSchema } from "../../../src/config/schema.js";
import type { Finding } from "../../../src/domain/finding.js";
import { InputError } from "../../../src/domain/errors.js";

/** A valid custody key: 32 bytes in base64. */
const CUSTODY_KEY = Buffer.alloc(32, 1).toString("base64");

const finding = (detector: string, kind: Finding["kind"] = "secret") =>
  ({
    fingerprint: "fp",
    kind,
    source: "gitleaks",
    sources: ["gitleaks"],
    detector,
    status: "open",
    title: "t",
    severity: "high",
    preview: "****",
    locations: [],
    hints: {},
    tags: [],
    detectedAt: "2025-01-01T00:00:00Z",
  }) satisfies Finding;

const routing = routingConfigSchema.parse({
  default: ["snow-prod"],
  unresolved: {
    rules: [
      { when: { owner: "payments" }, itsm: ["jira-cloud"], jiraProject: "PAY" },
      {
        when: { detector: "aws-access-key", kind: "secret" },
        itsm: ["snow-prod"],
      },
    ],
    itsm: ["jira-cloud"],
    jiraProject: "SEC",
  },
});

const CONFIG = `
custody: { key: { env: KEY } }
itsm:
  - { id: snow, kind: servicenow, baseUrl: "https://x.service-now.com",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
  - { id: jira, kind: jira, baseUrl: "https://x.atlassian.net", deployment: cloud,
      auth: { type: basic, email: a@b.c, apiToken: { env: JT } }, project: SEC, issueType: Task,
      approval: { mode: jsm }, closePath: ["31"] }
`;

describe("routing.unresolved", () => {
  const route = routeUnresolvedFor(routing);

  it("sends an unresolved finding by the owner ownership found", () => {
    const chosen = route(finding("generic-api-key"), {
      reason: "r",
      owner: "payments",
    });

    expect(chosen).toEqual({ itsm: ["jira-cloud"], jiraProject: "PAY" });
  });

  it("sends an unresolved finding by detector and kind", () => {
    expect(route(finding("aws-access-key"), { reason: "r" })).toEqual({
      itsm: ["snow-prod"],
    });
  });

  it("falls back to its own itsm list when no rule matches", () => {
    expect(route(finding("generic-api-key"), { reason: "r" })).toEqual({
      itsm: ["jira-cloud"],
      jiraProject: "SEC",
    });
  });

  it("routes nothing without the option, or with rules only and none matching", () => {
    const none = routeUnresolvedFor(
      routingConfigSchema.parse({ default: ["snow-prod"] }),
    );
    const rulesOnly = routeUnresolvedFor(
      routingConfigSchema.parse({
        default: ["snow-prod"],
        unresolved: { rules: [{ when: { owner: "x" }, itsm: ["snow-prod"] }] },
      }),
    );

    expect(none(finding("d"), { reason: "r" })).toBeNull();
    expect(rulesOnly(finding("d"), { reason: "r" })).toBeNull();
  });

  it("refuses a rule on the target, which an unresolved finding has not", () => {
    const parsed = routingConfigSchema.safeParse({
      default: ["snow"],
      unresolved: { rules: [{ when: { targetId: "pg" }, itsm: ["snow"] }] },
    });

    expect(parsed.success).toBe(false);
  });

  it("names an unknown ITSM instance by its path", () => {
    const yaml = `${CONFIG}routing: { default: [snow], unresolved: { itsm: [nope] } }\n`;
    let problems: { path: string; message: string }[] = [];
    try {
      parseConfig(yaml, "u.yaml", { KEY: CUSTODY_KEY, SNOW: "s", JT: "t" });
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      problems = (error as InputError).details["problems"] as never;
    }

    expect(problems).toEqual([
      expect.objectContaining({
        path: "routing.unresolved.itsm[0]",
        message: expect.stringContaining(
          'unknown ITSM instance "nope"',
        ) as unknown,
      }),
    ]);
  });

  it("asks for the manual mapping of each ITSM kind it routes to", () => {
    const yaml = `${CONFIG}routing:
  default: [snow]
  unresolved: { rules: [{ when: { kind: secret }, itsm: [jira] }] }
`;
    const config = parseConfig(yaml, "u.yaml", {
      KEY: CUSTODY_KEY,
      SNOW: "s",
      JT: "t",
    });

    expect(unresolvedKinds(config)).toEqual(["jira"]);
  });
});
