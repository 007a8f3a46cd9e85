import { describe, expect, it } from "vitest";
import {
  expectClosedChange,
  eventNamed,
  issueInSimulator,
  leakedPostgresPassword,
  runScenario,
} from "./scenario-harness.js";

describe("closeloop demo --scenario servicenow+jira", () => {
  it("closes the CAB's change and the team's task, both carrying the same evidence", async () => {
    const run = await runScenario("servicenow+jira");

    const last = expectClosedChange(run);
    const task = issueInSimulator(run, String(last.task));
    expect(task.statusCategory).toBe("done");
    expect(task.attachmentHashes).toContain(last.evidenceSha256);
    expect(task.remoteLinkTitles.join(" ")).toContain(String(last.change));

    // The approval came from the change: the task was never asked for one.
    const requested = run.events.filter(
      (e) => e.event === "approval.requested",
    );
    expect(requested.map((e) => e.change)).toEqual([last.change]);
    expect(eventNamed(run, "demo.checked").leakedPasswordLogsIn).toBe(false);

    expect(run.output).not.toContain(leakedPostgresPassword());
    expect(run.workDirLeft).toBe(false);
    expect(run.sandboxStillServes).toBe(false);
  }, 120_000);
});
