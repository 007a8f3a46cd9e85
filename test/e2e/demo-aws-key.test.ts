import { describe, expect, it } from "vitest";
import type { AwsSimulator } from "../../src/sandbox/aws/index.js";
import type { ServiceNowSimulator } from "../../src/sandbox/servicenow/index.js";
import {
  expectClosedChange,
  eventNamed,
  runScenario,
  sampleSetting,
  systemNamed,
} from "./scenario-harness.js";

const SETTINGS = "leaked-aws-key/deploy/ci.env";

describe("closeloop demo --scenario aws-key", () => {
  it("closes the change only after the leaked key is deleted and STS refuses it", async () => {
    const keyId = sampleSetting(SETTINGS, "AWS_ACCESS_KEY_ID");
    const keySecret = sampleSetting(SETTINGS, "AWS_SECRET_ACCESS_KEY");

    const run = await runScenario("aws-key");

    const last = expectClosedChange(run);

    const aws = systemNamed<AwsSimulator>(run, "aws");
    expect(aws.state.users.get("ci-deployer")?.keys.has(keyId)).toBe(false);
    // The plan the CAB approved names the key's owner and account, as IAM and STS told it.
    const servicenow = systemNamed<ServiceNowSimulator>(run, "servicenow");
    const request = servicenow.store
      .rows("change_request")
      .find((row) => row.number === String(last.change));
    expect(String(request?.implementation_plan)).toContain(
      `key ${keyId} of IAM user ci-deployer in account 111122223333`,
    );
    expect(aws.state.calls).toEqual(
      expect.arrayContaining([
        "sts:GetAccessKeyInfo",
        "iam:GetAccessKeyLastUsed",
        "iam:UpdateAccessKey",
        "iam:DeleteAccessKey",
        "sts:GetCallerIdentity",
      ]),
    );
    expect(eventNamed(run, "demo.aws.started").leakedKeyWorks).toBe(true);
    expect(eventNamed(run, "demo.checked")).toMatchObject({
      leakedKeyWorks: false,
      stsAnswer: "InvalidClientTokenId",
    });

    // The key id is an identifier AWS itself logs (CloudTrail); the secret half never shows.
    expect(run.output).not.toContain(keySecret);
    expect(run.workDirLeft).toBe(false);
    expect(run.sandboxStillServes).toBe(false);
  }, 60_000);
});
