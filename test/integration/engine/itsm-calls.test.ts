import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

/** PRODUCT §11: the state model's own steps plus the safety re-reads, polling shared. */
const MAX_CALLS_PER_FINDING = 10;

async function ticketId(h: RealItsmHarness, fp: string): Promise<string> {
  const [ticket] = await h.store.listTickets(fp);
  return ticket!.ref!.id;
}

describe("ITSM calls per finding against the real adapters and simulators", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("makes at most ten ServiceNow calls from detection to closure", async () => {
    h = await new RealItsmHarness(["snow"]).start();
    const rec = makeRecord("snow-calls");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const readsBeforeApproval = h
      .perFinding("snow")
      .filter((c) => c.method === "readApproval").length;
    h.snow.decide(await ticketId(h, fp), "cab.alice", "approved", "ok");
    await h.settle();

    const calls = h.perFinding("snow");
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(readsBeforeApproval).toBe(0);
    expect(calls.length).toBeLessThanOrEqual(MAX_CALLS_PER_FINDING);
    expect(calls.map((c) => `${c.method}:${c.http}`)).toEqual([
      "findByCorrelation:1",
      // The adapter looks once more itself before the POST (BR-22).
      "create:2",
      "requestApproval:1",
      "readApproval:2",
      "startWork:1",
      "addNote:1",
      "readStatus:1",
      // Upload, then read the attachment's metadata back until it is no longer pending.
      "attach:3",
      "listAttachments:1",
      // Implement → Review → Closed: two PATCHes (reference §0.3).
      "close:2",
    ]);
  });

  it("makes at most ten Jira calls from detection to closure", async () => {
    h = await new RealItsmHarness(["jira"]).start();
    const rec = makeRecord("jira-calls");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const readsBeforeApproval = h
      .perFinding("jira")
      .filter((c) => c.method === "readApproval").length;
    expect(
      h.jira.decideApproval(await ticketId(h, fp), "cab.alice", "approve"),
    ).toBeNull();
    await h.settle();

    const calls = h.perFinding("jira");
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(readsBeforeApproval).toBe(0);
    expect(calls.length).toBeLessThanOrEqual(MAX_CALLS_PER_FINDING);
    expect(calls.map((c) => c.method)).toEqual([
      "findByCorrelation",
      "create",
      "requestApproval",
      "readApproval",
      "startWork",
      "addNote",
      "readStatus",
      "attach",
      "listAttachments",
      "close",
    ]);
  });

  it("polls each ITSM with one query per pass, whatever the number of findings", async () => {
    h = await new RealItsmHarness(["snow", "jira"]).start();
    await h.engine.ingest([makeRecord("p1"), makeRecord("p2")]);
    await h.settle();
    const before = h.calls.length;

    await h.engine.runOnce();

    expect(
      h.calls.slice(before).map((c) => `${c.instance}:${c.method}`),
    ).toEqual(["snow:listChangedSince", "jira:listChangedSince"]);
  });
});
