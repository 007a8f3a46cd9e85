import { describe, expect, it } from "vitest";
import type { GithubSimulator } from "../../src/sandbox/github/index.js";
import {
  expectClosedChange,
  eventNamed,
  runScenario,
  sampleSetting,
  systemNamed,
} from "./scenario-harness.js";

describe("closeloop demo --scenario github-token", () => {
  it("closes the change only after the token is revoked and GET /user answers 401", async () => {
    const token = sampleSetting(
      "leaked-github-token/scripts/publish.sh",
      "GITHUB_TOKEN",
    );

    const run = await runScenario("github-token");

    expectClosedChange(run);

    const github = systemNamed<GithubSimulator>(run, "github");
    expect(github.state.tokens.get(token)?.active).toBe(false);
    expect(github.state.calls).toContain("POST /credentials/revoke");
    expect(github.state.alerts.get("acme-demo/release-tools#7")).toMatchObject({
      state: "resolved",
      resolution: "revoked",
      validity: "inactive",
    });
    expect(eventNamed(run, "demo.github.started").leakedTokenWorks).toBe(true);
    expect(eventNamed(run, "demo.checked")).toMatchObject({
      leakedTokenWorks: false,
      userProbe: "401 Bad credentials",
    });

    expect(run.output).not.toContain(token);
    expect(run.workDirLeft).toBe(false);
    expect(run.sandboxStillServes).toBe(false);
  }, 60_000);
});
