import { describe, expect, it } from "vitest";
import type { AwsSimulator } from "../../src/sandbox/aws/index.js";
import {
  changeInSimulator,
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

    const last = run.events.at(-1)!;
    expect(last).toMatchObject({ event: "demo.finished", state: "closed" });
    const change = changeInSimulator(run, String(last.change));
    expect(change.state).toBe("3");
    expect(change.closeCode).toBe("successful");
    expect(change.attachmentHashes).toContain(last.evidenceSha256);

    const aws = systemNamed<AwsSimulator>(run, "aws");
    expect(aws.state.users.get("ci-deployer")?.keys.has(keyId)).toBe(false);
    expect(aws.state.calls).toEqual(
      expect.arrayContaining([
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
