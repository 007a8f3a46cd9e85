import { createHash } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { JIRA_URL, makeAdapter, makeDraft, startJira } from "./helpers.js";
import { checkAgainstOpenApi } from "./openapi-check.js";

const { sim, server } = startJira({ maxPageSize: 2 });

afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function approveThroughForm(
  issueId: string,
  approver: string,
): Promise<number> {
  const response = await fetch(
    `${JIRA_URL}/sandbox/jira/issues/${issueId}/approval`,
    {
      method: "POST",
      body: new URLSearchParams({ approver, decision: "approve" }),
      redirect: "manual",
    },
  );
  return response.status;
}

describe("Jira adapter against the simulator", () => {
  it("runs a finding from create through JSM approval, notes and evidence to a two-hop close", async () => {
    const { adapter } = makeAdapter();
    const draft = makeDraft("F1");

    const ref = await adapter.create(draft);
    const issue = sim.issues.get(ref.id)!;
    expect(ref).toMatchObject({
      itsm: "jira",
      instance: "jira-test",
      key: "SEC-1",
    });
    expect(issue.fields.labels).toEqual(
      expect.arrayContaining(["closeloop", "finding-F1"]),
    );
    expect(issue.properties.get("closeloop.link")).toMatchObject({
      finding: "fp-F1",
      planHash: draft.plan?.hash,
    });
    expect(issue.fields.description).toMatchObject({ type: "doc", version: 1 });

    const before = await adapter.readApproval(ref);
    expect(before.status).toBe("requested");
    expect(await approveThroughForm(ref.id, "cab.alice")).toBe(303);
    const after = await adapter.readApproval(ref);
    expect(after).toMatchObject({
      status: "approved",
      planHash: draft.plan?.hash,
      ticketState: "10000",
    });
    expect(after.approvers.find((a) => a.state === "approved")?.userId).toBe(
      "712020:cab-alice",
    );
    expect(await adapter.ownUserId()).toBe("712020:closeloop-bot");

    await adapter.addNote(ref, "Step a1: login disabled");
    expect(issue.comments[0]?.body).toEqual({
      type: "doc",
      version: 1,
      content: [
        {
          type: "paragraph",
          content: [{ type: "text", text: "Step a1: login disabled" }],
        },
      ],
    });

    const bytes = Buffer.from(
      JSON.stringify({ finding: "F1", verified: true }),
    );
    const attached = await adapter.attach(ref, {
      fileName: "évidence F1.json",
      contentType: "application/json",
      bytes,
    });
    const listed = await adapter.listAttachments(ref);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(attached.fileName).toBe("evidence_F1.json");
    expect(listed).toEqual([
      expect.objectContaining({ id: attached.id, sha256: sha, ready: true }),
    ]);

    await adapter.close(ref, { successful: true, notes: "done" });
    const transitions = sim.requests
      .filter((r) => r.method === "POST" && r.path.endsWith("/transitions"))
      .map((r) => (r.json as { transition: { id: string } }).transition.id);
    expect(transitions).toEqual(["5011", "31"]);
    expect(await adapter.readStatus(ref)).toEqual({
      lifecycle: "closed",
      rawState: "10001",
      key: "SEC-1",
    });
  });

  it("starts and closes work from the transitions its own reads just listed", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F7"));
    expect(await approveThroughForm(ref.id, "cab.alice")).toBe(303);
    const paths = (from: number) =>
      sim.requests
        .slice(from)
        .map((r) => `${r.method} ${r.path.split("?")[0]?.split("/").at(-1)}`);

    await adapter.readApproval(ref);
    const beforeStart = sim.requests.length;
    await adapter.startWork(ref);
    const started = paths(beforeStart);
    expect((await adapter.readStatus(ref)).lifecycle).toBe("open");
    const beforeClose = sim.requests.length;
    await adapter.close(ref, { successful: true, notes: "done" });

    expect(started).toEqual(["POST transitions"]);
    expect(paths(beforeClose)).toEqual(["POST transitions"]);
    expect((await adapter.readStatus(ref)).lifecycle).toBe("closed");
  });

  it("reads the issue again before a close no fresh read prepared", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F8"));
    const before = sim.requests.length;

    await adapter.close(ref, { successful: true, notes: "done" });

    expect(sim.requests.slice(before).map((r) => r.method)).toEqual([
      "GET",
      "POST",
      "GET",
      "POST",
    ]);
    expect((await adapter.readStatus(ref)).lifecycle).toBe("closed");
  });

  it("does not count an approval that nobody but closeloop could give", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F2"));

    const answer = await fetch(
      `${JIRA_URL}/sandbox/jira/issues/${ref.id}/approval`,
      {
        method: "POST",
        body: new URLSearchParams({
          approver: "closeloop",
          decision: "approve",
        }),
      },
    );

    expect(answer.status).toBe(409);
    expect((await adapter.readApproval(ref)).status).toBe("requested");
  });

  it("reads the new key of a moved issue and keeps its id (BR-16)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F3"));

    sim.moveIssue(ref.id, "OPS");
    const status = await adapter.readStatus(ref);

    expect(status.key).toMatch(/^OPS-\d+$/);
    expect(sim.findIssue(status.key)?.id).toBe(ref.id);
    expect(await adapter.findByCorrelation("finding-F3")).toMatchObject({
      id: ref.id,
      key: status.key,
    });
  });

  it("closes a moved issue through the new project's workflow, still by its id (BR-16)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F9"));
    expect(await approveThroughForm(ref.id, "cab.alice")).toBe(303);
    await adapter.readApproval(ref);
    await adapter.startWork(ref);
    const before = sim.requests.length;

    const moved = sim.moveIssue(ref.id, "OPS");
    const status = await adapter.readStatus(ref);
    await adapter.close(ref, { successful: true, notes: "done" });

    const items: Record<string, string>[] = [
      { field: "project", from: "10100", to: "10200" },
      { field: "Workflow", fromString: "needs-hop", toString: "default" },
      { field: "status", from: "10206", to: "3" },
      { field: "Key", fromString: ref.key, toString: moved.key },
    ];
    expect(sim.webhooks.at(-1)).toMatchObject({
      webhookEvent: "jira:issue_updated",
      issue_event_type_name: "issue_moved",
      issue: { id: ref.id, key: moved.key },
      changelog: { items },
    });
    expect(status).toEqual({
      lifecycle: "open",
      rawState: "3",
      key: moved.key,
    });
    const posted = sim.requests
      .slice(before)
      .filter((r) => r.method === "POST")
      .map((r) => [r.path, r.json]);
    // "21" exists only in the new project's workflow, and its screen asks for a resolution.
    expect(posted).toEqual([
      [
        `/rest/api/3/issue/${ref.id}/transitions`,
        { transition: { id: "21" }, fields: { resolution: { name: "Done" } } },
      ],
    ]);
    expect(await adapter.readStatus(ref)).toEqual({
      lifecycle: "closed",
      rawState: "10001",
      key: moved.key,
    });
  });

  it("reads the transitions again when a move made the ones it just read stale (BR-16)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F10"));
    expect(await approveThroughForm(ref.id, "cab.alice")).toBe(303);
    await adapter.readApproval(ref);
    await adapter.startWork(ref);
    await adapter.readStatus(ref);
    const before = sim.requests.length;

    sim.moveIssue(ref.id, "OPS");
    await adapter.close(ref, { successful: true, notes: "done" });

    const transitions = sim.requests
      .slice(before)
      .filter((r) => r.method === "POST")
      .map((r) => (r.json as { transition: { id: string } }).transition.id);
    // "31" was the hop workflow's; the move brought the new project's "21".
    expect(transitions).toEqual(["31", "21"]);
    expect((await adapter.readStatus(ref)).lifecycle).toBe("closed");
  });

  it("reports a deleted issue as deleted once the login is proven to work", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F4"));

    sim.deleteIssue(ref.id);

    expect(await adapter.readStatus(ref)).toMatchObject({
      lifecycle: "deleted",
      key: ref.key,
    });
  });

  it("lists changed issues with one paged query and no duplicates", async () => {
    const { adapter } = makeAdapter();
    const created: string[] = [];
    for (const id of ["P1", "P2", "P3"])
      created.push((await adapter.create(makeDraft(id))).id);
    // Looked up once per adapter: it tells closeloop's own echo in the feed.
    const own = await adapter.ownUserId();
    const before = sim.requests.length;

    const { ids, changes, cursor } = await adapter.listChangedSince(
      new Date(Date.now() - 60_000).toISOString(),
    );

    const searches = sim.requests.slice(before);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(
      searches.every((r) => r.path.startsWith("/rest/api/3/search/jql?")),
    ).toBe(true);
    const jql = new URL(searches[0]!.path, JIRA_URL).searchParams.get("jql");
    expect(jql).toMatch(
      /^labels = closeloop AND updated >= "\d{4}-\d\d-\d\d \d\d:\d\d"/,
    );
    expect(searches.length).toBeGreaterThan(1);
    expect(
      searches.slice(1).every((r) => r.path.includes("nextPageToken=")),
    ).toBe(true);
    expect(Date.parse(cursor)).not.toBeNaN();
    expect(changes?.map((c) => c.id)).toEqual(ids);
    // Nobody but closeloop touched the new ones since it created them.
    const fresh = changes?.filter((c) => created.includes(c.id));
    expect(fresh?.map((c) => [c.updatedBy, c.byOwnUser])).toEqual([
      [own, true],
      [own, true],
      [own, true],
    ]);
    expect(checkAgainstOpenApi(searches)).toEqual([]);
  });
});
