import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../src/config/check.js";
import { loadConfig, parseConfig } from "../../../src/config/load.js";
import { resolveConfigSecrets } from "../../../src/config/secrets.js";
import { InputError } from "../../../src/domain/errors.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

/** A valid custody key: 32 bytes in base64. */
const CUSTODY_KEY = Buffer.alloc(32, 1).toString("base64");

const EXAMPLE = resolve("config/example.yaml");
const ENV = {
  CLOSELOOP_CUSTODY_KEY: CUSTODY_KEY,
  SNOW_PASSWORD: "snow-pass-xyz",
  PG_PROD_ADMIN_PASSWORD: "pg-admin-pass-xyz",
  SF_PROD_JWT_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString(),
};

const MINIMAL = `
custody: { key: { env: KEY } }
itsm:
  - { id: snow, kind: servicenow, baseUrl: "https://x.service-now.com",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
routing: { default: [snow] }
`;

function problemsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("CONFIG_INVALID");
    return (error as InputError).details["problems"] as never;
  }
  throw new Error("expected the configuration to be refused");
}

describe("loadConfig", () => {
  it("loads the example configuration with its defaults", () => {
    const config = loadConfig(EXAMPLE, ENV);

    expect(config.itsm[0]).toMatchObject({
      id: "snow-prod",
      kind: "servicenow",
    });
    expect(config.targets[0]).toMatchObject({
      id: "pg-prod",
      kind: "postgres",
    });
    expect(config.dataDir).toBe(resolve("config/.closeloop"));
    expect(config.mappingsDir).toBe(resolve("mappings"));
    expect(config.http).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(config.policy.ticketLost).toBe("flag");
  });

  it("passes `config check` for the example, mappings included", () => {
    const result = checkConfig(EXAMPLE, ENV);

    expect(result).toMatchObject({
      ok: true,
      summary: {
        itsm: [{ id: "snow-prod", kind: "servicenow" }],
        routingRules: 1,
      },
    });
  });

  it("names the file it cannot read", () => {
    expect(() => loadConfig("/nonexistent/closeloop.yaml", ENV)).toThrow(
      expect.objectContaining({ code: "CONFIG_NOT_FOUND" }),
    );
  });
});

describe("parseConfig", () => {
  it("lists every problem with its path, not just the first", () => {
    const yaml = `
custody: { key: { env: KEY } }
log: { level: loud }
itsm:
  - { id: snow, kind: servicenow, baseUrl: not-a-url, integrationUser: svc,
      auth: { type: basic, user: svc, password: { env: SNOW } } }
  - { id: other, kind: remedy }
routing: { default: [snow] }
`;

    const problems = problemsOf(() =>
      parseConfig(yaml, "bad.yaml", { KEY: CUSTODY_KEY, SNOW: "s" }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "log.level", message: expect.any(String) as unknown },
        { path: "itsm[0].baseUrl", message: "Invalid URL" },
        {
          path: "itsm[1].kind",
          message: "kind must be one of servicenow, jira",
        },
      ]),
    );
  });

  it("refuses an inline secret and says how to reference one, without echoing it", () => {
    const yaml = MINIMAL.replace(
      "password: { env: SNOW }",
      "password: hunter2-inline",
    );

    let message = "";
    const problems = problemsOf(() => {
      try {
        parseConfig(yaml, "inline.yaml", { KEY: CUSTODY_KEY });
      } catch (error) {
        message = (error as Error).message;
        throw error;
      }
    });

    expect(problems).toEqual([
      {
        path: "itsm[0].auth.password",
        message: expect.stringContaining(
          "use { env: VARIABLE_NAME } or { file:",
        ) as unknown,
      },
    ]);
    expect(message).not.toContain("hunter2");
  });

  it("reports every secret reference that does not resolve", () => {
    const problems = problemsOf(() => parseConfig(MINIMAL, "env.yaml", {}));

    expect(problems).toEqual([
      { path: "custody.key", message: "environment variable KEY is not set" },
      {
        path: "itsm[0].auth.password",
        message: "environment variable SNOW is not set",
      },
    ]);
  });

  it("reads file secrets relative to the configuration's folder", () => {
    const dir = scratchDir("closeloop-config-");
    writeFileSync(join(dir, "snow.pw"), "from-a-file\n");
    const yaml = MINIMAL.replace(
      "password: { env: SNOW }",
      "password: { file: snow.pw }",
    );

    const config = parseConfig(
      yaml,
      "file.yaml",
      { KEY: CUSTODY_KEY },
      { baseDir: dir },
    );
    const { values } = resolveConfigSecrets(config, { KEY: CUSTODY_KEY });

    expect(values.map((v) => v.reveal())).toEqual([CUSTODY_KEY, "from-a-file"]);
  });

  it("refuses routing to an ITSM instance that is not configured, and duplicate ids", () => {
    const yaml = `${MINIMAL.replace("routing: { default: [snow] }", "")}
  - { id: snow, kind: servicenow, baseUrl: "https://y.service-now.com",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
routing:
  rules: [{ when: { detector: aws-access-key }, itsm: [jira-cloud] }]
  default: [snow]
`;

    const problems = problemsOf(() =>
      parseConfig(yaml, "r.yaml", { KEY: CUSTODY_KEY, SNOW: "s" }),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        { path: "itsm[1].id", message: 'duplicate id "snow"' },
        {
          path: "routing.rules[0].itsm[0]",
          message: 'unknown ITSM instance "jira-cloud"; configured: snow',
        },
      ]),
    );
  });

  it("refuses unknown top-level keys and YAML that does not parse", () => {
    const typo = problemsOf(() =>
      parseConfig(`${MINIMAL}\nmapingsDir: ./m\n`, "t.yaml", {
        KEY: CUSTODY_KEY,
        SNOW: "s",
      }),
    );
    const broken = problemsOf(() => parseConfig("itsm: [\n", "y.yaml", {}));

    expect(typo[0]?.message).toContain("mapingsDir");
    expect(broken.length).toBeGreaterThan(0);
  });
});

describe("checkConfig", () => {
  it("answers the problems instead of throwing", () => {
    const dir = scratchDir("closeloop-config-");
    writeFileSync(join(dir, "c.yaml"), MINIMAL);

    const result = checkConfig(join(dir, "c.yaml"), {});

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.path)).toContain(
      "custody.key",
    );
  });
});
