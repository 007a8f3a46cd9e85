import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createAwsSimulator } from "../../sandbox/aws/index.js";
import { stsOutcome } from "../aws-sts-check.js";
import { freshSecret } from "../demo-loop.js";
import { createDemoServiceNow, startDemoSandbox } from "../demo-sandbox.js";
import { ingestBundledReport, readSampleSetting } from "../sample-report.js";
import { runThroughServiceNow } from "../servicenow-run.js";
import type { DemoContext, DemoOutcome, DemoScenario } from "../types.js";

const SAMPLE = join("examples", "leaked-aws-key");
const CONFIG_FILE = join("config", "demo-aws-key.yaml");
const ACCOUNT_ID = "111122223333";
const LEAKY_USER = "ci-deployer";
// Served on the sandbox's port, which is known only once it listens: the simulator goes by path.
const IAM_PATH = "/aws/iam/";
const STS_PATH = "/aws/sts/";

/**
 * TruffleHog's report of a committed AWS key: closeloop deactivates and deletes the key in the
 * simulated IAM once the CAB approved, and proves with STS that it no longer authenticates.
 */
export const awsKeyScenario: DemoScenario = {
  name: "aws-key",
  summary:
    "a leaked AWS access key (TruffleHog report), a ServiceNow change, a simulated IAM and STS",
  run: runAwsKeyScenario,
};

async function runAwsKeyScenario(ctx: DemoContext): Promise<DemoOutcome> {
  const projectDir = join(ctx.packageRoot, SAMPLE);
  const settings = join(projectDir, "deploy", "ci.env");
  const keyId = readSampleSetting(settings, "AWS_ACCESS_KEY_ID").reveal();
  const keySecret = readSampleSetting(settings, "AWS_SECRET_ACCESS_KEY");
  // closeloop's own principal: another user of the account, with a key made for this run.
  const connectorKeyId = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;

  const aws = createAwsSimulator({
    iamUrl: `http://sandbox${IAM_PATH}`,
    stsUrl: `http://sandbox${STS_PATH}`,
    seed: {
      accountId: ACCOUNT_ID,
      users: [
        { userName: LEAKY_USER, keys: [{ accessKeyId: keyId }] },
        { userName: "closeloop", keys: [{ accessKeyId: connectorKeyId }] },
      ],
    },
  });
  const servicenow = createDemoServiceNow();
  const sandbox = await startDemoSandbox(ctx, [servicenow.simulator, aws]);
  const stsUrl = `${sandbox.url}${STS_PATH}`;

  const before = await stsOutcome(stsUrl, keyId, keySecret);
  ctx.report.step(
    "demo.aws.started",
    `simulated IAM and STS of account ${ACCOUNT_ID} at ${sandbox.url}/aws/: the leaked key of ` +
      `${LEAKY_USER} authenticates: ${before.authenticated ? `yes (${before.observed})` : "no"}`,
    {
      account: ACCOUNT_ID,
      user: LEAKY_USER,
      leakedKeyWorks: before.authenticated,
    },
  );
  const records = await ingestBundledReport(ctx, {
    projectDir,
    file: "trufflehog-report.jsonl",
    format: "trufflehog",
    scanner: "TruffleHog",
  });

  return runThroughServiceNow(ctx, {
    sandboxUrl: sandbox.url,
    servicenowPassword: servicenow.password,
    configFile: CONFIG_FILE,
    env: {
      CLOSELOOP_DEMO_AWS_ACCESS_KEY_ID: connectorKeyId,
      CLOSELOOP_DEMO_AWS_SECRET_ACCESS_KEY: freshSecret(),
    },
    settings: [
      [["targets", 0, "endpoints", "iam"], `${sandbox.url}${IAM_PATH}`],
      [["targets", 0, "endpoints", "sts"], stsUrl],
    ],
    records,
    checkGone: async () => {
      const after = await stsOutcome(stsUrl, keyId, keySecret);
      const key = aws.state.users.get(LEAKY_USER)?.keys.get(keyId);
      const keyState = key?.status ?? "deleted";
      return {
        gone: !after.authenticated && key === undefined,
        text:
          `the leaked key is ${keyState} in IAM and authenticates: ` +
          (after.authenticated ? "YES" : `no (${after.observed})`),
        fields: {
          leakedKeyWorks: after.authenticated,
          stsAnswer: after.observed,
          keyState,
        },
      };
    },
  });
}
