import { afterEach, describe, expect, it } from "vitest";
import { verifyEvidence } from "../../../src/evidence/verify.js";
import { FakeItsm } from "../../helpers/fakes/fake-itsm.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

describe("the loop, end to end over fakes and a real SQLite file", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("opens a change, waits, acts, verifies, attaches evidence and closes", async () => {
    h = await new Harness().start();
    const rec = makeRecord("happy");
    const fp = rec.finding.fingerprint;

    const ingested = await h.engine.ingest([rec]);
    await h.settle();

    expect(ingested).toEqual({ added: 1, updated: 0, regressions: 0 });
    expect(await h.stateOf(fp)).toBe("awaiting_approval");
    expect(h.target.executeCalls).toEqual([]);

    h.itsm.approve(fp, CAB);
    await h.settle();

    const ticket = h.itsm.ticketOf(fp)!;
    expect(await h.stateOf(fp)).toBe("closed");
    expect(h.target.effective).toEqual(["svc_happy/a1", "svc_happy/a2"]);
    expect(ticket.closedWith?.successful).toBe(true);
    expect(ticket.attachments).toHaveLength(1);
    expect(ticket.attachments[0]!.fileName).toBe(
      `evidence-${ticket.ref.key}-${fp.slice(0, 12)}.json`,
    );
    expect(
      verifyEvidence(ticket.attachments[0]!.bytes, h.signer.publicKeyPem()).ok,
    ).toBe(true);
    expect(h.eventNames(fp)).toEqual([
      "finding.ingested",
      "identity.resolved",
      "plan.created",
      "ticket.created",
      "approval.requested",
      "approval.read",
      "work.started",
      "action.executed",
      "action.executed",
      "verification.answered",
      "evidence.attached",
      "ticket.closed",
    ]);
  });

  it("makes only the state model's calls and the safety re-reads for one finding", async () => {
    h = await new Harness().start();
    const rec = makeRecord("calls");
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(rec.finding.fingerprint, CAB);
    await h.settle();

    const perTicket = h.itsm.calls.filter(
      (c) => c.method !== "listChangedSince",
    );

    expect(await h.stateOf(rec.finding.fingerprint)).toBe("closed");
    // The echo of closeloop's own requestApproval wakes nothing: one read, after the approval.
    expect(perTicket.length).toBeLessThanOrEqual(10);
    expect(perTicket.map((c) => c.method)).toEqual([
      "findByCorrelation",
      "create",
      "requestApproval",
      "readApproval",
      "startWork",
      // The verification note rides on the move to Review, whose answer is the status check.
      "finishWork",
      "attach",
      // The upload read back by its id, right before the close.
      "readBack",
      "close",
    ]);
  });

  it("sees a person's approval that lands just before closeloop's own note", async () => {
    h = await new Harness([new FakeItsm({ requestedBy: "u-req" })]).start();
    const rec = makeRecord("race");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(fp, { userId: "u-req", group: "CAB" });
    // The CAB approves between closeloop's read (blocked: the requester's own approval) and the
    // blocked note, so the feed's last updater is closeloop itself.
    h.itsm.beforeNext("addNote", () => h.itsm.approve(fp, CAB));

    await h.engine.runOnce();
    const lastUpdater = h.itsm.ticketOf(fp)!.updatedBy;
    await h.settle();

    expect(lastUpdater).toBe("closeloop-bot");
    expect(h.itsm.ticketOf(fp)!.notes[0]).toContain("requester's own");
    expect(await h.stateOf(fp)).toBe("closed");
    expect(h.target.effective).toEqual(["svc_race/a1", "svc_race/a2"]);
  });

  it("reads the approval when the feed does not say who changed a ticket", async () => {
    h = await new Harness().start();
    const rec = makeRecord("unknown");
    await h.engine.ingest([rec]);
    const listChanged = h.itsm.listChangedSince.bind(h.itsm);
    h.itsm.listChangedSince = async (cursor) => {
      const { ids, cursor: next } = await listChanged(cursor);
      return { ids, changes: ids.map((id) => ({ id })), cursor: next };
    };
    await h.settle();

    expect(h.itsm.count("readApproval")).toBe(1);
  });

  it("polls each ITSM once per pass and reads no ticket that did not change", async () => {
    h = await new Harness().start();
    await h.engine.ingest([
      makeRecord("p1"),
      makeRecord("p2"),
      makeRecord("p3"),
    ]);
    await h.settle();
    const before = h.itsm.calls.length;

    const pass = await h.engine.runOnce();

    expect(pass.processed).toBe(0);
    expect(h.itsm.calls.slice(before).map((c) => c.method)).toEqual([
      "listChangedSince",
    ]);
    expect(pass.states.awaiting_approval).toBe(3);
  });

  it("closes only after the attachment reads back ready with the same hash", async () => {
    h = await new Harness([
      new FakeItsm({ attachmentPendingReads: 2 }),
    ]).start();
    const rec = makeRecord("pending");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(fp, CAB);

    await h.engine.runOnce();
    const whilePending = h.itsm.ticketOf(fp)!.lifecycle;
    await h.settle();

    expect(whilePending).toBe("open");
    expect(h.itsm.count("readBack")).toBe(3);
    expect(h.itsm.count("attach")).toBe(1);
    expect(await h.stateOf(fp)).toBe("closed");
  });
});
