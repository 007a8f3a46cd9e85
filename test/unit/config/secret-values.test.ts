import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConfig } from "../../../src/config/check.js";
import { loadConfig, parseConfig } from "../../../src/config/load.js";
import { resolveSecretRef } from "../../../src/config/secret-ref.js";
import { InputError } from "../../../src/domain/errors.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const CUSTODY_KEY = Buffer.alloc(32, 3).toString("base64");
const HOOK_SECRET = "webhook-secret-0123456789";
const ENV = { KEY: CUSTODY_KEY, SNOW: "snow-pass", HOOK: HOOK_SECRET };

const BASE = `
custody: { key: { env: KEY } }
itsm:
  - { id: snow, kind: servicenow, baseUrl: "https://x.service-now.com",
      integrationUser: svc, auth: { type: basic, user: svc, password: { env: SNOW } } }
routing: { default: [snow] }
`;

const scratch = scratchDir("closeloop-secret-values-");

function problemsOf(
  yaml: string,
  env: NodeJS.ProcessEnv,
): { path: string; message: string }[] {
  try {
    parseConfig(yaml, "test.yaml", env, { baseDir: scratch });
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).details["problems"] as never;
  }
  throw new Error("expected the configuration to be refused");
}

function withGithubHook(secret: string): string {
  return `${BASE}
http:
  webhooks: { github: { secret: ${secret} } }
`;
}

describe("secret values", () => {
  it("refuses an empty or whitespace-only secret file, naming the path and the file", () => {
    writeFileSync(join(scratch, "empty"), "");
    writeFileSync(join(scratch, "blank"), "  \n\t\n");

    const empty = problemsOf(withGithubHook("{ file: empty }"), ENV);
    const blank = problemsOf(withGithubHook("{ file: blank }"), ENV);

    expect(empty).toEqual([
      {
        path: "http.webhooks.github.secret",
        message: `secret file ${join(scratch, "empty")} is empty`,
      },
    ]);
    expect(blank).toEqual([
      {
        path: "http.webhooks.github.secret",
        message: `secret file ${join(scratch, "blank")} is empty`,
      },
    ]);
  });

  it("says an empty environment variable is empty, not unset", () => {
    const problems = problemsOf(BASE, { ...ENV, SNOW: "", KEY: " " });

    expect(problems).toEqual([
      {
        path: "custody.key",
        message: "environment variable KEY is empty (only whitespace)",
      },
      {
        path: "itsm[0].auth.password",
        message: "environment variable SNOW is empty",
      },
    ]);
  });

  it("refuses every secret of the example configuration when its variable is empty", () => {
    const names = [
      "CLOSELOOP_CUSTODY_KEY",
      "SNOW_PASSWORD",
      "PG_PROD_ADMIN_PASSWORD",
      "SF_PROD_JWT_KEY",
    ];
    const env = Object.fromEntries(names.map((name) => [name, " "]));

    const result = checkConfig(resolve("config/example.yaml"), env);

    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems.map((p) => p.message).sort()).toEqual(
      names
        .map((n) => `environment variable ${n} is empty (only whitespace)`)
        .sort(),
    );
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        "custody.key",
        "itsm[0].auth.password",
        "targets[0].admin.password",
      ]),
    );
  });

  it("refuses a webhook secret shorter than 16 bytes without echoing it", () => {
    const problems = problemsOf(
      `${BASE}
http:
  webhooks:
    itsm: { snow: { secret: { env: SHORT } } }
`,
      { ...ENV, SHORT: "tooshort" },
    );

    expect(problems).toEqual([
      {
        path: "http.webhooks.itsm.snow.secret",
        message:
          "environment variable SHORT: a webhook secret must be at least 16 bytes " +
          "(openssl rand -hex 32 makes one)",
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain("tooshort");
  });

  it("refuses a custody key that is not 32 bytes of base64, naming the path and variable", () => {
    const yaml = BASE.replace(
      "custody: { key: { env: KEY } }",
      "custody: { key: { env: SHORTKEY }, previousKeys: [{ env: KEY }, { env: OLD }] }",
    );

    const problems = problemsOf(yaml, {
      ...ENV,
      SHORTKEY: "abc",
      OLD: "c2hvcnQ=",
    });

    const rule =
      "the custody key must be 32 bytes in base64 (openssl rand -base64 32)";
    expect(problems).toEqual([
      {
        path: "custody.key",
        message: `environment variable SHORTKEY: ${rule}`,
      },
      {
        path: "custody.previousKeys[1]",
        message: `environment variable OLD: ${rule}`,
      },
    ]);
  });

  it("refuses a Salesforce private key that is not PEM", () => {
    const pem = generateKeyPairSync("ec", { namedCurve: "P-256" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const yaml = `${BASE}
targets:
  - id: sf
    kind: salesforce
    instanceUrl: https://acme.my.salesforce.com
    auth: { type: jwt, clientId: cid, username: u@acme.com, privateKey: { env: SF_KEY } }
`;

    const bad = problemsOf(yaml, { ...ENV, SF_KEY: "not-a-key" });
    const good = parseConfig(yaml, "sf.yaml", { ...ENV, SF_KEY: pem });

    expect(bad.map((p) => p.path)).toEqual(["targets[0].auth.privateKey"]);
    expect(bad[0]?.message).toMatch(
      /^environment variable SF_KEY: not a PEM private key/,
    );
    expect(good.targets[0]?.id).toBe("sf");
  });

  it("applies the same rules when a command resolves a secret later", () => {
    const config = parseConfig(withGithubHook("{ env: HOOK }"), "t.yaml", ENV);
    const ref = config.http.webhooks?.github?.secret;
    if (ref === undefined) throw new Error("expected a github webhook");

    const empty = (): unknown =>
      resolveSecretRef(ref, "http.webhooks.github.secret", { HOOK: "" });
    const short = (): unknown =>
      resolveSecretRef(ref, "http.webhooks.github.secret", { HOOK: "abc" });

    expect(empty).toThrow(
      "http.webhooks.github.secret: environment variable HOOK is empty",
    );
    expect(short).toThrow(
      "http.webhooks.github.secret: environment variable HOOK: a webhook secret must be",
    );
    expect(resolveSecretRef(ref, "x", { HOOK: HOOK_SECRET }).reveal()).toBe(
      HOOK_SECRET,
    );
  });
});

describe("configuration file errors", () => {
  it("gives the file, line and column of invalid YAML with the parser's message", () => {
    const yaml = "custody:\n  key: { env: KEY }\nitsm: [\n";

    const problems = problemsOf(yaml, ENV);

    expect(problems.map((p) => p.path)).toEqual(["test.yaml:4:1"]);
    expect(problems[0]?.message).toMatch(/^Flow sequence .* \(BAD_INDENT\)$/);
  });

  it("names a missing configuration file once and says how to give one", () => {
    const missing = join(scratch, "nonexist.yaml");

    const result = checkConfig(missing, ENV);

    expect(result).toEqual({
      ok: false,
      problems: [
        {
          path: missing,
          message:
            "the configuration file does not exist; give --config FILE or set " +
            "CLOSELOOP_CONFIG; config/example.yaml is one to start from",
        },
      ],
    });
    expect(() => loadConfig(missing, ENV)).toThrow(
      expect.objectContaining({ code: "CONFIG_NOT_FOUND" }),
    );
  });
});
