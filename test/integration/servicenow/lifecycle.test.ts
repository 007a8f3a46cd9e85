import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/domain/secret.js";
import { draftFor, startHarness } from "./harness.js";
import type { Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

describe("ServiceNow adapter against the simulator", () => {
  it("runs a change from creation through CAB approval to closure", async () => {
    h = startHarness();
    const draft = draftFor("fp-happy");
    const own = await h.adapter.ownUserId();

    const ref = await h.adapter.create(draft);
    await h.adapter.requestApproval(ref);
    const waiting = await h.adapter.readApproval(ref);
    expect(h.sim.decide(ref.id, "cab.alice", "approved", "ok by CAB")).toEqual({
      ok: true,
    });
    const approved = await h.adapter.readApproval(ref);
    await h.adapter.startWork(ref);
    await h.adapter.addNote(ref, "starting the revocation");
    const evidence = Buffer.from(JSON.stringify({ finding: "fp-happy" }));
    const attachment = await h.adapter.attach(ref, {
      fileName: "evidence.json",
      contentType: "application/json",
      bytes: evidence,
    });
    const readBack = await h.adapter.readBack(ref, attachment);
    const listed = await h.adapter.listAttachments(ref);
    await h.adapter.close(ref, {
      successful: true,
      notes: "revoked and verified",
    });
    const status = await h.adapter.readStatus(ref);

    expect(ref.key).toMatch(/^CHG003\d{4}$/);
    expect(ref.id).toMatch(/^[0-9a-f]{32}$/);
    // The policy skips technical approvals, so the change waits in Authorize for the CAB.
    expect(waiting).toMatchObject({
      status: "requested",
      ticketState: "-3",
      readyForWork: false,
      onHold: false,
    });
    expect(waiting.approvers.map((a) => a.state)).toEqual([
      "requested",
      "requested",
    ]);
    expect(approved).toMatchObject({
      status: "approved",
      ticketState: "-2",
      inImplementation: false,
      readyForWork: true,
      requestedBy: own,
      planHash: draft.plan?.hash,
    });
    const decided = approved.approvers.find((a) => a.state === "approved");
    expect(decided).toMatchObject({ userName: "cab.alice", group: "CAB" });
    expect(decided?.userId).not.toBe(own);
    expect(decided?.decidedAt).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/,
    );
    // The upload's answer says the scan is pending; the read-back waits it out.
    expect(attachment).toMatchObject({
      fileName: "evidence.json",
      sizeBytes: evidence.length,
      sha256: sha256Hex(evidence),
      ready: false,
    });
    expect(readBack).toEqual({ ...attachment, ready: true });
    expect(listed.map((a) => a.id)).toEqual([attachment.id]);
    expect(status).toEqual({
      lifecycle: "closed",
      rawState: "3",
      key: ref.key,
    });
    const stored = h.sim.store.get("change_request", ref.id);
    expect(stored).toMatchObject({
      close_code: "successful",
      correlation_id: draft.correlationId,
    });
    expect(
      h.sim.store.journalText("change_request", ref.id, "work_notes"),
    ).toContain("starting the revocation");
  });

  it("finds the change it created by its correlation id, so no second one is made", async () => {
    h = startHarness();
    const draft = draftFor("fp-twice");

    const before = await h.adapter.findByCorrelation(draft.correlationId);
    const first = await h.adapter.create(draft);
    const again = await h.adapter.findByCorrelation(draft.correlationId);

    expect(before).toBeNull();
    expect(again?.id).toBe(first.id);
    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("moves the change to Review with the verification note on one PATCH", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-review"));
    await h.adapter.requestApproval(ref);
    h.sim.decide(ref.id, "cab.alice", "approved", "ok by CAB");
    await h.adapter.startWork(ref);
    const before = h.sim.requests.length;

    const status = await h.adapter.finishWork(ref, "verified: the key is gone");

    expect(status).toEqual({ lifecycle: "open", rawState: "0", key: ref.key });
    expect(h.sim.requests.slice(before).map((r) => r.method)).toEqual([
      "PATCH",
    ]);
    expect(
      h.sim.store.journalText("change_request", ref.id, "work_notes"),
    ).toContain("verified: the key is gone");
  });

  it("answers closed, not an error, for a change a person closed before the work finished", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-closed"));
    h.sim.store.update("change_request", ref.id, { state: "3" }, "admin");

    const status = await h.adapter.finishWork(ref, "verified");

    expect(status).toMatchObject({ lifecycle: "closed", rawState: "3" });
    expect(
      h.sim.store.journalText("change_request", ref.id, "work_notes"),
    ).not.toContain("verified");
  });

  it("reads a rejection and the change back in New", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-reject"));
    await h.adapter.requestApproval(ref);

    h.sim.decide(ref.id, "cab.bob", "rejected", "not in this window");
    const reading = await h.adapter.readApproval(ref);

    expect(reading).toMatchObject({ status: "rejected", ticketState: "-5" });
    expect(reading.approvers.map((a) => [a.userName, a.state]).sort()).toEqual([
      ["cab.alice", "not_required"],
      ["cab.bob", "rejected"],
    ]);
    await expect(h.adapter.startWork(ref)).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("reads an approval still short of Scheduled, and a hold, as not ready for work", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-hold"));
    await h.adapter.requestApproval(ref);
    h.sim.decide(ref.id, "cab.alice", "approved", "ok by CAB");
    // A customer's policy that rolls approval up early leaves an approved change in Assess.
    h.sim.store.update("change_request", ref.id, { state: "-4" }, "admin");
    const early = await h.adapter.readApproval(ref);
    h.sim.store.update(
      "change_request",
      ref.id,
      { state: "-2", on_hold: "true", on_hold_reason: "freeze" },
      "admin",
    );

    const held = await h.adapter.readApproval(ref);

    expect(early).toMatchObject({
      status: "approved",
      ticketState: "-4",
      readyForWork: false,
      onHold: false,
    });
    expect(held).toMatchObject({
      status: "approved",
      ticketState: "-2",
      readyForWork: true,
      onHold: true,
    });
  });

  it("fails a transition that answers 200 but leaves the state as it was", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-stuck"));
    h.sim.faults.ignoreStatePatches(2);

    const run = h.adapter.requestApproval(ref);

    await expect(run).rejects.toMatchObject({
      code: "UNEXPECTED_RESPONSE",
      details: { reason: "state_unchanged", expected: "-4", actual: "-5" },
    });
  });

  it("reports deleted and canceled changes by their lifecycle", async () => {
    h = startHarness();
    const gone = await h.adapter.create(draftFor("fp-gone"));
    const canceled = await h.adapter.create(draftFor("fp-cancel"));

    h.sim.store.delete("change_request", gone.id);
    h.sim.store.update("change_request", canceled.id, { state: "4" }, "admin");

    expect((await h.adapter.readStatus(gone)).lifecycle).toBe("deleted");
    expect((await h.adapter.readStatus(canceled)).lifecycle).toBe("canceled");
  });
});
