import { afterEach, describe, expect, it } from "vitest";
import type { FindingStatusRow } from "../../../src/engine/types.js";
import { startDaemonHarness, type Daemon } from "./harness.js";

let daemon: Daemon | undefined;
afterEach(async () => {
  await daemon?.close();
  daemon = undefined;
});

/** `run --once` until the finding leaves `from` (bounded: a pass never waits on a timer here). */
async function passUntilNot(
  d: Daemon,
  from: string[],
  maxPasses = 8,
): Promise<FindingStatusRow> {
  for (let pass = 0; pass < maxPasses; pass += 1) {
    await d.cli(["run", "--once"]);
    const [row] = await d.status();
    if (row !== undefined && !from.includes(row.state)) return row;
  }
  const [row] = await d.status();
  return row as FindingStatusRow;
}

describe("closeloop run --once against the ServiceNow sandbox", () => {
  it("opens a change for a stored finding and reports the pass", async () => {
    daemon = await startDaemonHarness();
    await daemon.ingestCertificateFinding();

    const run = await daemon.cli(["run", "--once"]);

    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const line = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ event: "pass.finished", processed: 1 });
    const [row] = await daemon.status();
    expect(row?.state).toBe("awaiting_approval");
    expect(row?.tickets[0]?.key).toMatch(/^CHG/);
  });

  it("holds an approved change while paused, says so, and runs it after resume", async () => {
    daemon = await startDaemonHarness();
    await daemon.ingestCertificateFinding();
    await daemon.cli(["run", "--once"]);
    const [waiting] = await daemon.status();
    await daemon.approve(waiting?.tickets[0]?.key ?? "");

    const paused = await daemon.cli(["pause", "--reason", "incident 42"]);
    const held = await daemon.cli(["run", "--once"]);
    const heldAgain = await daemon.cli(["run", "--once"]);
    const statusText = await daemon.cli(["status"]);
    const [heldRow] = await daemon.status();

    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain("paused");
    expect(held.stdout).toContain('"paused":true');
    expect(held.stdout).toContain('"heldBack":1');
    expect(held.code).toBe(1);
    expect(heldAgain.code).toBe(1);
    expect(held.stderr).toContain("execution is paused");
    expect(heldAgain.stdout).toContain('"paused":true');
    expect(daemon.runbook.jobs).toHaveLength(0);
    expect(statusText.stdout).toMatch(/execution: paused since .*incident 42/);
    expect(heldRow).toMatchObject({ state: "executing", paused: true });
    expect(heldRow?.reason).toContain("EXECUTION_PAUSED");

    const resumed = await daemon.cli(["resume"]);
    const [resumedRow] = await daemon.status();
    const done = await passUntilNot(daemon, [
      "executing",
      "verifying",
      "evidence",
    ]);
    const statusAfter = await daemon.cli(["status"]);

    expect(resumed.stdout).toContain("1 held-back finding(s)");
    expect(resumedRow?.state).toBe("executing");
    expect(resumedRow?.reason ?? "").not.toContain("EXECUTION_PAUSED");
    expect(daemon.runbook.jobs).toHaveLength(1);
    expect(done.state).toBe("closed");
    expect(statusAfter.stdout).not.toContain("paused");
  });
});

describe("closeloop run --once while paused with nothing approved", () => {
  it("exits 0: the pause held nothing back", async () => {
    daemon = await startDaemonHarness();
    await daemon.ingestCertificateFinding();
    await daemon.cli(["pause"]);

    const run = await daemon.cli(["run", "--once"]);

    expect(run.stdout).toContain('"heldBack":0');
    expect(run.code).toBe(0);
  });
});

describe("closeloop plan", () => {
  it("prints a preview before planning and the stored plan with its hash after", async () => {
    daemon = await startDaemonHarness();
    const finding = await daemon.ingestCertificateFinding();
    const prefix = finding.fingerprint.slice(0, 10);

    const preview = await daemon.cli(["plan", prefix]);
    await daemon.cli(["run", "--once"]);
    const stored = await daemon.cli(["plan", prefix, "--json"]);

    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("Plan: preview");
    expect(preview.stdout.match(/^Finding: /gm)).toEqual(["Finding: "]);
    expect(preview.stdout).toMatch(/^State: \w+/m);
    expect(preview.stdout).toContain(
      "Revoke the certificate and its key on the load balancer",
    );
    expect(preview.stdout).toMatch(/Impact: .+/);
    expect(preview.stdout).toMatch(/Verification: .+/);
    expect(preview.stdout).toMatch(/Undo: cannot be undone/);
    expect(preview.stdout).toMatch(/closeloop plan hash: [0-9a-f]{64}/);
    const shown = JSON.parse(stored.stdout) as {
      stored: boolean;
      plan: { hash: string; actions: { undo: string | null }[] };
    };
    expect(shown.stored).toBe(true);
    expect(preview.stdout).toContain(shown.plan.hash);
    expect(shown.plan.actions[0]?.undo).toBeNull();
  });

  it("exits 2 naming the finding when it is unknown", async () => {
    daemon = await startDaemonHarness();
    await daemon.ingestCertificateFinding();

    const run = await daemon.cli(["plan", "ffffffffffff"]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"ffffffffffff"');
    expect(run.stderr).toContain("FINDING_UNKNOWN");
  });
});
