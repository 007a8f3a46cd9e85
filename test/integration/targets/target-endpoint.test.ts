import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/logging/logger.js";
import { createAwsSimulator } from "../../../src/sandbox/aws/index.js";
import { startSandboxServer } from "../../../src/sandbox/server.js";
import type { SandboxServer } from "../../../src/sandbox/server.js";
import { createAwsIamTarget } from "../../../src/targets/aws-iam/index.js";
import { createGithubTarget } from "../../../src/targets/github/index.js";
import { createPostgresTarget } from "../../../src/targets/postgres/index.js";
import {
  createRunbookTarget,
  type RunbookTargetInput,
} from "../../../src/targets/runbook/index.js";
import { createSalesforceTarget } from "../../../src/targets/salesforce/index.js";
import type { TargetAdapter } from "../../../src/targets/types.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "../engine/harness.js";

const deps = {
  logger: silentLogger,
  env: { TOKEN: "made-up-connector-token" },
};

function runbook(baseUrl: string): TargetAdapter {
  const input: RunbookTargetInput = {
    id: "pg-test",
    kind: "runbook",
    baseUrl,
    token: { env: "TOKEN" },
    revoke: {
      launchPath: "/api/v2/job_templates/12/launch/",
      description: "rotate the legacy API key",
    },
    probe: { url: `${baseUrl}/probe`, goneStatus: 401 },
  };
  return createRunbookTarget(input, deps);
}

let server: SandboxServer | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await server?.close();
  await h?.dispose();
  server = undefined;
  h = undefined;
});

describe("what each target says it acts on", () => {
  it("names the configured system of every kind and no credential", async () => {
    const sim = createAwsSimulator({
      iamUrl: "http://sandbox/aws/iam/",
      stsUrl: "http://sandbox/aws/sts/",
      seed: {
        accountId: "210987654321",
        users: [
          {
            userName: "closeloop",
            keys: [{ accessKeyId: "AKIAI44QH8DHBEXAMPLE" }],
          },
        ],
      },
    });
    server = await startSandboxServer({ port: 0, systems: [sim] });
    const iam = `${server.url}/aws/iam/`;
    const env = { ...deps.env, K: "AKIAI44QH8DHBEXAMPLE", S: "made-up-key" };
    const targets: TargetAdapter[] = [
      createPostgresTarget(
        {
          id: "pg-payments",
          kind: "postgres",
          host: "127.0.0.1",
          port: 1,
          database: "payments",
          admin: { user: "closeloop", password: { env: "TOKEN" } },
        },
        deps,
      ),
      createSalesforceTarget(
        {
          id: "sf-prod",
          kind: "salesforce",
          instanceUrl: "https://acme.my.salesforce.com",
          auth: {
            type: "client_credentials",
            clientId: "made-up-client",
            clientSecret: { env: "TOKEN" },
          },
        },
        deps,
      ),
      createAwsIamTarget(
        {
          id: "aws-prod",
          kind: "aws-iam",
          region: "eu-west-1",
          credentials: {
            accessKeyId: { env: "K" },
            secretAccessKey: { env: "S" },
          },
          endpoints: { iam, sts: `${server.url}/aws/sts/` },
        },
        { ...deps, env },
      ),
      createGithubTarget(
        {
          id: "gh",
          kind: "github",
          baseUrl: "https://ghe.example.com/api/v3",
          token: { env: "TOKEN" },
        },
        deps,
      ),
      runbook("https://awx.example.com"),
    ];

    const endpoints = await Promise.all(targets.map((t) => t.endpoint()));

    expect(endpoints).toEqual([
      "127.0.0.1:1/payments",
      "https://acme.my.salesforce.com",
      expect.stringMatching(
        new RegExp(`^account 210987654321 \\(eu-west-1\\) via ${iam}$`),
      ),
      "https://ghe.example.com/api/v3",
      "https://awx.example.com",
    ]);
    for (const endpoint of endpoints) {
      expect(endpoint).not.toContain("made-up");
      expect(endpoint).not.toContain("AKIA");
    }
  });

  it("runs no runbook job once the runbook's base URL is repointed", async () => {
    h = new Harness();
    let current = runbook("https://awx.example.com");
    const fake = h.target;
    h.targetAdapter = {
      kind: "runbook",
      id: fake.id,
      endpoint: () => current.endpoint(),
      plan: (identity, finding) => fake.plan(identity, finding),
      execute: (action, ctx) => fake.execute(action, ctx),
      verify: (plan, ctx) => fake.verify(plan, ctx),
    };
    await h.start();
    const rec = makeRecord("runbook");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();

    current = runbook("https://awx-staging.example.com");
    h.itsm.approve(fp, CAB);
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(fake.executeCalls).toEqual([]);
    expect(record?.plan?.targetEndpoint).toBe("https://awx.example.com");
    expect(record?.reason).toBe(
      "TARGET_CHANGED: pg-test now points at https://awx-staging.example.com, " +
        "the approved plan at https://awx.example.com; a new plan and approval are needed",
    );
  });
});
