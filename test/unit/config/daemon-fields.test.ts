import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/load.js";
import { InputError } from "../../../src/domain/errors.js";

/** A valid custody key: 32 bytes in base64. */
const CUSTODY_KEY = Buffer.alloc(32, 1).toString("base64");

const ENV = {
  KEY: CUSTODY_KEY,
  SNOW: "s",
  HOOK: "itsm-webhook-secret-0123",
  GH: "github-webhook-secret-0123",
  PG: "p",
};

const BASE = `
custody: { key: { env: KEY } }
itsm:
  - { id: snow, kind: servicenow, baseUrl: "https://x.service-now.com",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
routing: { default: [snow] }
`;

const TARGET = `
targets:
  - id: pg
    kind: postgres
    host: 127.0.0.1
    database: app
    admin: { user: admin, password: { env: PG } }
`;

function problemsOf(yaml: string): { path: string; message: string }[] {
  try {
    parseConfig(yaml, "test.yaml", ENV);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).details["problems"] as never;
  }
  throw new Error("expected the configuration to be refused");
}

describe("configuration of webhooks, sources and target guards", () => {
  it("fills in the defaults for sources and target guards", () => {
    const config = parseConfig(
      `${BASE}${TARGET}
sources:
  - { id: gh, kind: github-secret-scanning, owner: acme, token: { env: GH } }
http:
  webhooks:
    itsm: { snow: { secret: { env: HOOK } } }
    github: { secret: { env: GH }, source: gh }
`,
      "test.yaml",
      ENV,
    );

    expect(config.sources[0]).toMatchObject({
      id: "gh",
      intervalMs: 600_000,
      hideSecret: true,
    });
    expect(config.targets[0]).toMatchObject({
      concurrency: 1,
      breaker: { failureThreshold: 5, resetAfterMs: 60_000 },
    });
    expect(config.http.webhooks?.itsm["snow"]?.secret).toEqual({ env: "HOOK" });
  });

  it("takes a certificates source with its horizon, and refuses one that names nothing or a bad endpoint", () => {
    const config = parseConfig(
      `${BASE}
sources:
  - { id: certs, kind: certificates, endpoints: ["db.internal:5432", "[::1]:443"] }
`,
      "test.yaml",
      ENV,
    );
    const problems = problemsOf(`${BASE}
sources:
  - { id: none, kind: certificates }
  - { id: bad, kind: certificates, endpoints: ["db.internal"], horizonDays: -1 }
`);

    expect(config.sources[0]).toMatchObject({
      kind: "certificates",
      horizonDays: 30,
      paths: [],
      timeoutMs: 10_000,
    });
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "sources[0].endpoints",
        "sources[1].endpoints[0]",
        "sources[1].horizonDays",
      ]),
    );
    expect(
      problems.find((p) => p.path === "sources[1].endpoints[0]")?.message,
    ).toContain("host:port");
  });

  it("names the path of each bad new field", () => {
    const problems = problemsOf(`${BASE}
targets:
  - id: pg
    kind: postgres
    host: 127.0.0.1
    database: app
    admin: { user: admin, password: { env: PG } }
    concurrency: 0
    breaker: { failureThreshold: 3, openFor: 10 }
sources:
  - { id: gh, kind: github-secret-scanning, owner: acme, token: { env: GH }, intervalMs: 5 }
  - { id: gh, kind: gitguardian, token: { env: GH } }
  - { id: x, kind: snyk }
http:
  webhooks:
    itsm: { jira-prod: { secret: { env: HOOK } } }
    github: { secret: { env: GH }, source: gg }
`);
    const paths = problems.map((p) => p.path);

    expect(paths).toEqual(
      expect.arrayContaining([
        "targets[0].concurrency",
        "targets[0].breaker",
        "sources[0].intervalMs",
        "sources[2].kind",
      ]),
    );
    expect(
      problems.find((p) => p.path === "sources[2].kind")?.message,
    ).toContain("github-secret-scanning, gitguardian, certificates");
  });

  it("refuses webhooks that name an unconfigured instance or source, and duplicate source ids", () => {
    const problems = problemsOf(`${BASE}
sources:
  - { id: gg, kind: gitguardian, token: { env: GH } }
  - { id: gg, kind: gitguardian, token: { env: GH } }
http:
  webhooks:
    itsm: { jira-prod: { secret: { env: HOOK } } }
    github: { secret: { env: GH }, source: gg }
`);

    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "sources[1].id", message: 'duplicate id "gg"' },
        {
          path: "http.webhooks.itsm.jira-prod",
          message: 'unknown ITSM instance "jira-prod"; configured: snow',
        },
        {
          path: "http.webhooks.github.source",
          message:
            'no github-secret-scanning source "gg" in sources; configured: none',
        },
      ]),
    );
  });

  it("refuses an inline webhook secret and one whose variable is unset", () => {
    const problems = problemsOf(`${BASE}
http:
  webhooks:
    itsm: { snow: { secret: "hunter2-inline" } }
    github: { secret: { env: UNSET_GH_SECRET } }
`);

    expect(problems.map((p) => p.path)).toEqual([
      "http.webhooks.itsm.snow.secret",
    ]);
    expect(JSON.stringify(problems)).not.toContain("hunter2-inline");

    const unset = problemsOf(`${BASE}
http:
  webhooks: { github: { secret: { env: UNSET_GH_SECRET } } }
`);
    expect(unset).toEqual([
      {
        path: "http.webhooks.github.secret",
        message: "environment variable UNSET_GH_SECRET is not set",
      },
    ]);
  });
});
