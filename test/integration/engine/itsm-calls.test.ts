import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

/**
 * PRODUCT §11: the state model's own steps plus the safety re-reads, polling shared. Counted as
 * HTTP requests the simulators received, not as adapter calls.
 */
const MAX_CALLS_PER_FINDING = 10;

async function ticketId(h: RealItsmHarness, fp: string): Promise<string> {
  const [ticket] = await h.store.listTickets(fp);
  return ticket!.ref!.id;
}

/** Requests made once per instance, whatever the number of findings: own user, upload limit. */
const ONCE_PER_INSTANCE = [
  /\/table\/sys_user$/,
  /\/myself$/,
  /\/attachment\/meta$/,
];

/** The shared change query of each pass: one per instance, not per finding. */
function isPoll(request: { path: string; search?: string }): boolean {
  const text = decodeURIComponent(
    `${request.path}${request.search ?? ""}`.replace(/\+/g, " "),
  );
  return (
    text.includes("correlation_idSTARTSWITH") ||
    text.includes("jql=labels = closeloop ")
  );
}

/** What the simulator received for the finding: every request but polls and per-instance ones. */
function findingRequests<R extends { path: string; search?: string }>(
  requests: R[],
): R[] {
  return requests.filter(
    (r) => !isPoll(r) && !ONCE_PER_INSTANCE.some((p) => p.test(r.path)),
  );
}

describe("ITSM requests per finding against the real adapters and simulators", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("sends at most ten ServiceNow requests from detection to closure", async () => {
    // The virus scan of the evidence has ended by the time it is read back.
    h = await new RealItsmHarness(["snow"], undefined, {
      attachmentReadyAfterReads: 0,
    }).start();
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
    const requests = findingRequests(h.snow.requests);
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(readsBeforeApproval).toBe(0);
    expect(requests.length).toBeLessThanOrEqual(MAX_CALLS_PER_FINDING);
    expect(calls.reduce((sum, c) => sum + c.http, 0)).toBe(requests.length);
    expect(calls.map((c) => `${c.method}:${c.http}`)).toEqual([
      "findByCorrelation:1",
      "create:1",
      "requestApproval:1",
      // The change, then its sysapproval_approver records (reference §3).
      "readApproval:2",
      "startWork:1",
      // Implement → Review with the verification's work note; its answer is the status check.
      "finishWork:1",
      "attach:1",
      // One list of the change's attachments: size, hash and state.
      "readBack:1",
      // Review → Closed: the change was seen in Review this pass (reference §0.3).
      "close:1",
    ]);
  });

  it("reads the attachment list once more while the scan says pending", async () => {
    h = await new RealItsmHarness(["snow"], undefined, {
      attachmentReadyAfterReads: 1,
    }).start();
    const rec = makeRecord("snow-scan");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    h.snow.decide(await ticketId(h, fp), "cab.alice", "approved", "ok");
    await h.settle();

    const readBacks = h
      .perFinding("snow")
      .filter((c) => c.method === "readBack");
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(readBacks.map((c) => c.http)).toEqual([2]);
    expect(findingRequests(h.snow.requests)).toHaveLength(
      MAX_CALLS_PER_FINDING + 1,
    );
  });

  it("sends at most ten Jira requests from detection to closure", async () => {
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
    const requests = findingRequests(h.jira.requests);
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(readsBeforeApproval).toBe(0);
    expect(requests.length).toBeLessThanOrEqual(MAX_CALLS_PER_FINDING);
    // The upload limit is read once per instance, during the first upload.
    expect(calls.reduce((sum, c) => sum + c.http, 0)).toBe(requests.length + 1);
    expect(requests.map((r) => `${r.method} ${r.path.split("?")[0]}`)).toEqual([
      "GET /rest/api/3/search/jql",
      "POST /rest/api/3/issue",
      // The issue with its transitions, then the JSM approvals.
      "GET /rest/api/3/issue/10001",
      "GET /rest/servicedeskapi/request/10001/approval",
      // Start Progress from the transitions the approval read listed.
      "POST /rest/api/3/issue/10001/transitions",
      // The verification's comment.
      "POST /rest/api/3/issue/10001/comment",
      // Still open? With the transitions the close will take.
      "GET /rest/api/3/issue/10001",
      "POST /rest/api/3/issue/10001/attachments",
      // Jira reports no hash: the upload's content, downloaded and hashed.
      "GET /rest/api/3/attachment/content/10004",
      "POST /rest/api/3/issue/10001/transitions",
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
