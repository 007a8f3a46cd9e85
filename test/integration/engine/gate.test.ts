import { afterEach, describe, expect, it } from "vitest";
import { FakeItsm } from "../../helpers/fakes/fake-itsm.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

async function awaiting(h: Harness, seed: string): Promise<string> {
  const rec = makeRecord(seed);
  await h.engine.ingest([rec]);
  await h.settle();
  return rec.finding.fingerprint;
}

describe("the approval gate (closure contract 2)", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("runs no action when only closeloop's own user approved", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "own");

    h.itsm.approve(fp, { userId: "closeloop-bot", group: "CAB" });
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect(await h.stateOf(fp)).toBe("awaiting_approval");
    expect((await h.store.getFinding(fp))?.reason).toMatch(/closeloop itself/);
  });

  it("runs no action when the requester is the only approver", async () => {
    h = await new Harness([
      new FakeItsm({ requestedBy: "u-requester" }),
    ]).start();
    const fp = await awaiting(h, "requester");

    h.itsm.approve(fp, { userId: "u-requester", group: "CAB" });
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect(await h.stateOf(fp)).toBe("awaiting_approval");
  });

  it("runs no action when the approver is outside the allowed groups", async () => {
    h = new Harness();
    h.policy = { ticketLostPolicy: "flag", allowedApprovalGroups: ["CAB"] };
    await h.start();
    const fp = await awaiting(h, "group");

    h.itsm.approve(fp, { userId: "u-dev", group: "Developers" });
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect((await h.store.getFinding(fp))?.reason).toMatch(/allowed group/);
    expect(h.itsm.ticketOf(fp)?.notes.join("\n")).toMatch(/will not act/);
  });

  it("waits for the window to open and acts once it has", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "window");
    const start = new Date(
      h.clock.now().getTime() + 10 * 3_600_000,
    ).toISOString();

    h.itsm.setWindow(fp, { start });
    h.itsm.approve(fp, CAB);
    await h.engine.runOnce();

    expect(h.target.executeCalls).toEqual([]);
    expect((await h.store.getFinding(fp))?.dueAt).toBe(start);

    h.clock.set(start);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("closed");
  });

  it("ends in window_expired without acting when the window has passed", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "expired");

    h.itsm.setWindow(fp, {
      end: new Date(h.clock.now().getTime() - 1000).toISOString(),
    });
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect(await h.stateOf(fp)).toBe("window_expired");
  });

  it("runs no action on an approved change outside Scheduled, and acts once it is scheduled", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "assess");

    h.itsm.setSchedule(fp, { notReady: true });
    h.itsm.approve(fp, CAB);
    await h.settle();
    const held = await h.store.getFinding(fp);

    expect(h.target.executeCalls).toEqual([]);
    expect(held?.state).toBe("awaiting_approval");
    expect(held?.reason).toMatch(/^NOT_SCHEDULED: /);

    h.itsm.setSchedule(fp, {});
    await h.settle();

    expect(await h.stateOf(fp)).toBe("closed");
  });

  it("runs no action while the change is on hold, and acts once the hold is lifted", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "hold");

    h.itsm.setSchedule(fp, { onHold: true });
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect((await h.store.getFinding(fp))?.reason).toMatch(/^ON_HOLD: /);
    expect(h.events.map((e) => e.name)).toContain("approval.blocked");

    h.itsm.setSchedule(fp, {});
    await h.settle();

    expect(await h.stateOf(fp)).toBe("closed");
  });

  it("runs no action when the plan hash in the ticket no longer matches", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "hash");

    h.itsm.setPlanHash(fp, "0".repeat(64));
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect((await h.store.getFinding(fp))?.reason).toMatch(/plan hash/);
  });

  it("re-reads the approval right before acting after a restart", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "reread");
    h.itsm.approve(fp, CAB);
    h.target.faults.arm("execute", "before");
    await h.engine.runOnce();
    const readsBefore = h.itsm.count("readApproval");

    h.itsm.setPlanHash(fp, "f".repeat(64));
    await h.restart();
    h.clock.advance(3_600_000);
    await h.engine.runOnce();

    expect(h.itsm.count("readApproval")).toBe(readsBefore + 1);
    expect(h.target.effective).toEqual([]);
    expect(await h.stateOf(fp)).toBe("executing");
  });
});
