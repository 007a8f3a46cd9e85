import { describe, expect, it } from "vitest";
import {
  eventNamed,
  issueInSimulator,
  leakedPostgresPassword,
  runScenario,
} from "./scenario-harness.js";

describe("closeloop demo --scenario jira", () => {
  it("moves the issue to Done only after the JSM approval, the revocation and the evidence", async () => {
    const run = await runScenario("jira");

    const last = run.events.at(-1)!;
    expect(last).toMatchObject({ event: "demo.finished", state: "closed" });
    expect(last.change).toMatch(/^SEC-\d+$/);
    const issue = issueInSimulator(run, String(last.change));
    expect(issue.statusCategory).toBe("done");
    expect(issue.attachmentHashes).toContain(last.evidenceSha256);

    const names = run.events.map((e) => e.event);
    expect(names.indexOf("demo.jsm.approved")).toBeGreaterThan(-1);
    expect(names.indexOf("demo.jsm.approved")).toBeLessThan(
      names.indexOf("action.executed"),
    );
    expect(eventNamed(run, "demo.postgres.started").leakedPasswordLogsIn).toBe(
      true,
    );
    expect(eventNamed(run, "demo.checked").leakedPasswordLogsIn).toBe(false);

    expect(run.output).not.toContain(leakedPostgresPassword());
    expect(run.workDirLeft).toBe(false);
    expect(run.sandboxStillServes).toBe(false);
  }, 120_000);
});
