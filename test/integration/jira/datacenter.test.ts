import { afterAll, afterEach, describe, expect, it } from "vitest";
import { makeAdapter, makeDraft, startJira } from "./helpers.js";

const DC_URL = "https://jira.acme.internal";
// makeAdapter's token; on Data Center a personal access token is sent as a bearer.
const PAT = "Bearer test-token-value";

const { sim, server } = startJira(
  { deployment: "datacenter", credentials: [PAT], maxPageSize: 2 },
  { baseUrl: DC_URL },
);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function dcAdapter() {
  return makeAdapter({
    baseUrl: DC_URL,
    deployment: "datacenter",
    auth: { type: "bearer", token: { env: "JIRA_TOKEN" } },
  });
}

async function approve(issueId: string): Promise<number> {
  const response = await fetch(
    `${DC_URL}/sandbox/jira/issues/${issueId}/approval`,
    {
      method: "POST",
      body: new URLSearchParams({ approver: "cab.alice", decision: "approve" }),
      redirect: "manual",
    },
  );
  return response.status;
}

describe("Jira adapter against a Data Center simulator (REST v2)", () => {
  it("runs a finding from create to close with wiki strings, a PAT and v2 paths only", async () => {
    const { adapter } = dcAdapter();
    const draft = makeDraft("D1", {
      description: "Found *here* [x|http://evil]",
    });
    const before = sim.requests.length;

    const ref = await adapter.create(draft);
    const issue = sim.issues.get(ref.id)!;
    const pending = await adapter.readApproval(ref);
    expect(await approve(ref.id)).toBe(303);
    const approved = await adapter.readApproval(ref);
    await adapter.startWork(ref);
    await adapter.addNote(ref, "Step a1: login disabled");
    const attached = await adapter.attach(ref, {
      fileName: "evidence-D1.json",
      contentType: "application/json",
      bytes: Buffer.from('{"verified":true}'),
    });
    const readBack = await adapter.readBack(ref, attached);
    await adapter.linkTo!(ref, {
      url: "https://acme.service-now.com/change_request.do?sys_id=1",
      title: "CHG0030001",
    });
    await adapter.close(ref, { successful: true, notes: "done" });

    expect(issue.fields.description).toEqual(
      expect.stringMatching(
        /^\{noformat\}\n[\s\S]*Found \*here\* \[x\|http:\/\/evil\]\n\{noformat\}$/,
      ),
    );
    expect(issue.properties.get("closeloop.link")).toMatchObject({
      planHash: draft.plan!.hash,
    });
    expect(pending.status).toBe("requested");
    expect(approved).toMatchObject({
      status: "approved",
      planHash: draft.plan!.hash,
    });
    // Data Center names people by key, not accountId.
    expect(approved.approvers.find((a) => a.state === "approved")?.userId).toBe(
      "cab.alice",
    );
    expect(await adapter.ownUserId()).toBe("closeloop");
    expect(issue.comments.map((c) => c.body)).toEqual([
      "{noformat}\nStep a1: login disabled\n{noformat}",
    ]);
    expect(readBack).toMatchObject({ sha256: attached.sha256, ready: true });
    expect(issue.remoteLinks).toHaveLength(1);
    expect(await adapter.readStatus(ref)).toMatchObject({
      lifecycle: "closed",
    });

    const sent = sim.requests.slice(before);
    const apiPaths = sent
      .map((r) => r.path.split("?")[0]!)
      .filter((p) => !p.startsWith("/sandbox/"));
    expect(
      apiPaths.every((p) => /^\/rest\/(api\/2|servicedeskapi)\//.test(p)),
    ).toBe(true);
    const own = sent.filter((r) => !r.path.startsWith("/sandbox/"));
    expect(own.every((r) => r.headers.authorization === PAT)).toBe(true);
    const approvals = sent.filter((r) => r.path.includes("/servicedeskapi/"));
    expect(approvals.map((r) => r.headers["x-experimentalapi"])).toEqual([
      "opt-in",
      "opt-in",
    ]);
  });

  it("pages search by startAt and finds the issue by its label", async () => {
    const { adapter } = dcAdapter();
    for (const id of ["D2", "D3", "D4", "D5"])
      await adapter.create(makeDraft(id));
    const before = sim.requests.length;

    const { ids } = await adapter.listChangedSince(
      new Date(Date.now() - 60_000).toISOString(),
    );
    const found = await adapter.findByCorrelation("finding-D3");

    const searches = sim.requests
      .slice(before)
      .map((r) => new URL(r.path, DC_URL))
      .filter((u) => u.pathname === "/rest/api/2/search");
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      searches.slice(0, 3).map((u) => u.searchParams.get("startAt")),
    ).toEqual(["0", "2", "4"]);
    expect(found?.key).toMatch(/^SEC-\d+$/);
    expect(sim.issues.get(found!.id)?.fields.labels).toContain("finding-D3");
  });

  it("answers REST v3 and the Cloud search with 404 on Data Center", async () => {
    const auth = { authorization: PAT };

    const v3 = await fetch(`${DC_URL}/rest/api/3/myself`, { headers: auth });
    const jql = await fetch(`${DC_URL}/rest/api/2/search/jql?jql=id%3D1`, {
      headers: auth,
    });

    expect([v3.status, jql.status]).toEqual([404, 404]);
  });
});
