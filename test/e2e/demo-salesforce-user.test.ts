import { describe, expect, it } from "vitest";
import type { SalesforceSimulator } from "../../src/sandbox/salesforce/index.js";
import {
  expectClosedChange,
  eventNamed,
  runScenario,
  sampleSetting,
  systemNamed,
} from "./scenario-harness.js";

const SETTINGS = "leaked-salesforce-token/config/integration.env";

describe("closeloop demo --scenario salesforce-user", () => {
  it("closes the change only after the token is revoked and the user frozen", async () => {
    const token = sampleSetting(SETTINGS, "SF_ACCESS_TOKEN");
    const user = sampleSetting(SETTINGS, "SF_USERNAME");

    const run = await runScenario("salesforce-user");

    expectClosedChange(run);

    const org = systemNamed<SalesforceSimulator>(run, "salesforce").state;
    const userId = org.userByName(user)!.Id;
    expect(org.tokens.get(token)?.revoked).toBe(true);
    expect(org.loginOf(userId)?.IsFrozen).toBe(true);
    expect(eventNamed(run, "identity.resolved").targetId).toBe("sf-demo");
    expect(eventNamed(run, "demo.salesforce.started").leakedTokenWorks).toBe(
      true,
    );
    expect(eventNamed(run, "demo.checked")).toMatchObject({
      leakedTokenWorks: false,
      apiProbe: "401 INVALID_SESSION_ID",
      sessionsLeft: 0,
    });
    // The UI session the freeze left open was ended by the plan, not waited out.
    expect([...org.sessions.values()].some((s) => s.UsersId === userId)).toBe(
      false,
    );

    expect(run.output).not.toContain(token);
    expect(run.workDirLeft).toBe(false);
    expect(run.sandboxStillServes).toBe(false);
  }, 60_000);
});
