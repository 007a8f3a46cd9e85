import { afterEach, describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { silentLogger } from "../../../src/logging/logger.js";
import { createAwsSimulator } from "../../../src/sandbox/aws/index.js";
import { createGithubSimulator } from "../../../src/sandbox/github/index.js";
import { startSandboxServer } from "../../../src/sandbox/server.js";
import type { SandboxServer } from "../../../src/sandbox/server.js";
import {
  AWS_ACTIONS,
  createAwsIamTarget,
} from "../../../src/targets/aws-iam/index.js";
import {
  createGithubTarget,
  GITHUB_ACTIONS,
} from "../../../src/targets/github/index.js";
import {
  actionOf,
  makeContext,
  makeFinding,
  makeIdentity,
  manualClock,
  planOf,
} from "../../unit/targets/harness.js";

const KEY = "AKIAIOSFODNN7EXAMPLE";
let server: SandboxServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("target simulators served over real HTTP", () => {
  it("lets the AWS SDK deactivate a key and prove it against the sandbox server", async () => {
    const sim = createAwsSimulator({
      iamUrl: "http://sandbox/aws/iam/",
      stsUrl: "http://sandbox/aws/sts/",
      seed: { users: [{ userName: "svc-ci", keys: [{ accessKeyId: KEY }] }] },
    });
    server = await startSandboxServer({ port: 0, systems: [sim] });
    const clock = manualClock();
    const target = createAwsIamTarget(
      {
        id: "aws-demo",
        kind: "aws-iam",
        credentials: {
          accessKeyId: { env: "K" },
          secretAccessKey: { env: "S" },
        },
        endpoints: {
          iam: `${server.url}/aws/iam/`,
          sts: `${server.url}/aws/sts/`,
        },
      },
      {
        logger: silentLogger,
        env: { K: "AKIAI44QH8DHBEXAMPLE", S: "made-up" },
        ...clock,
      },
    );
    const finding = makeFinding({ hints: { awsAccessKeyId: KEY } });
    const identity = makeIdentity("aws-demo", "aws-iam", "svc-ci");
    const ctx = makeContext(
      finding,
      identity,
      new SecretValue("made-up-secret"),
    );
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, AWS_ACTIONS.deactivateKey),
      ctx,
    );
    const proof = await target.verify(plan, ctx);
    const page = await (await fetch(`${server.url}/`)).text();

    expect(result.resultCode).toBe("KEY_DEACTIVATED");
    expect(proof.answer).toBe("invalid");
    expect(page).toContain("Inactive");
  });

  it("lets Octokit revoke a token against the sandbox server", async () => {
    const token = new SecretValue("ghp_MadeUpDemoToken000000000000000000000");
    const sim = createGithubSimulator({
      baseUrl: "http://sandbox/github",
      adminToken: "ghp_MadeUpAdmin",
      seed: { tokens: [{ value: token.reveal(), login: "svc-bot" }] },
    });
    server = await startSandboxServer({ port: 0, systems: [sim] });
    const clock = manualClock();
    const target = createGithubTarget(
      {
        id: "gh",
        kind: "github",
        baseUrl: `${server.url}/github`,
        token: { env: "T" },
      },
      { logger: silentLogger, env: { T: "ghp_MadeUpAdmin" }, ...clock },
    );
    const finding = makeFinding({ preview: "ghp_********0000" });
    const identity = makeIdentity("gh", "github", "svc-bot");
    const ctx = makeContext(finding, identity, token);
    const plan = planOf(target, identity, finding);

    const result = await target.execute(
      actionOf(plan, GITHUB_ACTIONS.revokeCredential),
      ctx,
    );
    const proof = await target.verify(plan, ctx);

    expect(result.resultCode).toBe("REVOCATION_ACCEPTED");
    expect(proof.answer).toBe("invalid");
  });
});
