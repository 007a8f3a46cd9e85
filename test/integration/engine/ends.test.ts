import { afterEach, describe, expect, it } from "vitest";
import { makeFinding, makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

async function awaiting(h: Harness, seed: string): Promise<string> {
  const rec = makeRecord(seed);
  await h.engine.ingest([rec]);
  await h.settle();
  return rec.finding.fingerprint;
}

describe("the other ends of the loop", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("stops in rejected without acting when the CAB rejects", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "rej");

    h.itsm.reject(fp);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("rejected");
    expect(h.target.executeCalls).toEqual([]);
    expect(h.eventNames(fp)).toContain("approval.rejected");
  });

  it("stops in canceled when the change is canceled", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "can");

    h.itsm.cancel(fp);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("canceled");
    expect(h.target.executeCalls).toEqual([]);
  });

  it("keeps the change open and says so when the probe still says valid", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "valid");
    h.target.probeScript.push("valid");

    h.itsm.approve(fp, CAB);
    await h.settle();

    const ticket = h.itsm.ticketOf(fp)!;
    expect(await h.stateOf(fp)).toBe("still_valid");
    expect(ticket.lifecycle).toBe("open");
    expect(ticket.attachments).toEqual([]);
    expect(ticket.notes.join("\n")).toMatch(/STILL WORKS/);
  });

  it("retries an indeterminate probe and closes once it answers invalid", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "indet");
    h.target.probeScript.push("indeterminate", "indeterminate");

    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("closed");
    expect(
      h.eventNames(fp).filter((n) => n === "verification.answered"),
    ).toHaveLength(3);
  });

  it("stops in action_failed and verifies nothing when a required action fails", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "fail");
    h.target.failingActions.add("a1");

    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("action_failed");
    expect(h.target.probeSawSecret).toEqual([]);
    expect(h.itsm.ticketOf(fp)?.lifecycle).toBe("open");
  });

  it("flags a ticket a person closed before the evidence existed", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "lost");
    h.target.probeScript.push("indeterminate");
    h.itsm.approve(fp, CAB);
    await h.engine.runOnce();

    h.itsm.closeByPerson(fp);
    h.clock.advance(3_600_000);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("ticket_lost");
    expect(h.itsm.ticketOf(fp)?.attachments).toEqual([]);
    expect(h.itsm.ticketOf(fp)?.closedWith).toBeNull();
  });

  it("opens a new ticket for a deleted one when the policy says reopen", async () => {
    h = new Harness();
    h.policy = { ticketLostPolicy: "reopen" };
    await h.start();
    const fp = await awaiting(h, "reopen");

    h.itsm.deleteByPerson(fp);
    await h.settle();
    h.itsm.approve(fp, CAB);
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(record?.state).toBe("closed");
    expect(record?.cycle).toBe(2);
    expect(record?.regressionOf).toHaveLength(1);
    expect(h.itsm.tickets.size).toBe(2);
  });

  it("leaves a finding open when a later report no longer mentions it", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "kept");

    const result = await h.engine.ingest([makeRecord("other")]);

    expect(result.added).toBe(1);
    expect(await h.stateOf(fp)).toBe("awaiting_approval");
  });

  it("treats a closed finding seen at a new place as a linked regression", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "regr");
    h.itsm.approve(fp, CAB);
    await h.settle();
    const oldKey = h.itsm.ticketOf(fp)!.ref.key;

    const sameAgain = await h.engine.ingest([makeRecord("regr")]);
    const moved = makeFinding("regr", {
      locations: [
        { source: "gitleaks", file: "deploy/new.env", lineReported: 9 },
      ],
    });
    const again = await h.engine.ingest([{ finding: moved, secret: null }]);
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(sameAgain.regressions).toBe(0);
    expect(again.regressions).toBe(1);
    expect(record?.state).toBe("awaiting_approval");
    expect(record?.cycle).toBe(2);
    expect(record?.regressionOf.map((r) => r.key)).toEqual([oldKey]);
    expect(h.itsm.tickets.size).toBe(2);
  });
});
