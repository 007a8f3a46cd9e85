import { afterAll, afterEach, describe, expect, it } from "vitest";
import { NOT_ADF } from "../../../src/sandbox/jira/validate.js";
import { JIRA_URL, makeAdapter, makeDraft, startJira } from "./helpers.js";

// One clock for the simulator and the adapter: a retry's sleep moves it forward.
let clock = Date.parse("2026-10-21T07:28:00Z");
const { sim, server } = startJira({ uploadLimit: 256, now: () => clock });
afterEach(() => {
  server.resetHandlers();
  sim.setRateLimit(undefined);
});
afterAll(() => server.close());

function clockedAdapter() {
  const sleeps: number[] = [];
  const { adapter } = makeAdapter(
    {},
    {
      now: () => new Date(clock),
      sleep: (ms) => {
        sleeps.push(ms);
        clock += ms;
        return Promise.resolve();
      },
    },
  );
  return { adapter, sleeps };
}

const requestsTo = (suffix: string, method = "POST") =>
  sim.requests.filter(
    (r) => r.method === method && r.path.split("?")[0]!.endsWith(suffix),
  );

const bodyText = (body: unknown) =>
  JSON.stringify(body).match(/"text":"([^"]*)"/)?.[1];

describe("the simulator's rate limit", () => {
  it("answers 429 with Retry-After and Jira Cloud's rate headers beyond the limit", async () => {
    sim.setRateLimit({ limit: 2, windowMs: 30_000 });
    const get = () =>
      fetch(`${JIRA_URL}/rest/api/3/myself`, {
        headers: { authorization: "Bearer t" },
      });

    const answers = [await get(), await get(), await get()];

    const headers = answers.map((a) => ({
      status: a.status,
      limit: a.headers.get("x-ratelimit-limit"),
      remaining: a.headers.get("x-ratelimit-remaining"),
    }));
    expect(headers).toEqual([
      { status: 200, limit: "2", remaining: "1" },
      { status: 200, limit: "2", remaining: "0" },
      { status: 429, limit: "2", remaining: "0" },
    ]);
    const limited = answers[2]!;
    expect(limited.headers.get("retry-after")).toBe("30");
    expect(limited.headers.get("ratelimit-reason")).toBe("jira-burst-based");
    expect(limited.headers.get("x-ratelimit-reset")).toBe(
      new Date(clock + 30_000).toISOString().slice(0, 16) + "Z",
    );
    expect(await limited.json()).toEqual({
      errorMessages: ["Rate limit exceeded."],
      errors: {},
    });
  });

  it("waits at least Retry-After on a burst 429 and loses no comment (BR-20)", async () => {
    const { adapter, sleeps } = clockedAdapter();
    const ref = await adapter.create(makeDraft("R1"));
    sim.setRateLimit({ limit: 2, windowMs: 12_000 });
    const before = requestsTo("/comment").length;

    for (const note of ["one", "two", "three"])
      await adapter.addNote(ref, note);

    const comments = sim.issues
      .get(ref.id)!
      .comments.map((c) => bodyText(c.body));
    expect(comments).toEqual(["one", "two", "three"]);
    expect(requestsTo("/comment").length - before).toBe(4);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(12_000);
  });

  it("spaces writes to one issue after a per-issue 429 and keeps both", async () => {
    const { adapter, sleeps } = clockedAdapter();
    const ref = await adapter.create(makeDraft("R2"));
    sim.setRateLimit({ limit: 1, windowMs: 5_000, per: "issue-write" });

    await adapter.addNote(ref, "step a1 done");
    await adapter.attach(ref, {
      fileName: "e.json",
      contentType: "application/json",
      bytes: Buffer.from("{}"),
    });

    const issue = sim.issues.get(ref.id)!;
    expect(issue.comments).toHaveLength(1);
    expect(issue.attachments.map((a) => a.filename)).toEqual(["e.json"]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(5_000);
  });
});

describe("the simulator's ADF check", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${JIRA_URL}/rest/api/3/${path}`, {
      method: "POST",
      headers: {
        authorization: "Bearer t",
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
  const listItemAtTop = {
    type: "doc",
    version: 1,
    content: [
      {
        type: "listItem",
        content: [
          { type: "paragraph", content: [{ type: "text", text: "x" }] },
        ],
      },
    ],
  };

  it("answers an invalid description and comment with Jira's 400 (BR-12)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("A1"));

    const create = await post("issue", {
      fields: {
        project: { key: "SEC" },
        issuetype: { name: "Task" },
        summary: "Leaked key",
        description: listItemAtTop,
      },
    });
    const comment = await post(`issue/${ref.id}/comment`, {
      body: listItemAtTop,
    });

    expect([create.status, comment.status]).toEqual([400, 400]);
    expect(await create.json()).toEqual({
      errorMessages: [],
      errors: { description: NOT_ADF },
    });
    expect(await comment.json()).toEqual({
      errorMessages: [],
      errors: { comment: NOT_ADF },
    });
    expect(sim.issues.get(ref.id)!.comments).toEqual([]);
  });
});

describe("Jira adapter behaviours", () => {
  it("refuses evidence over the site's upload limit before sending it, reading the limit once", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("U1"));
    const metaBefore = requestsTo("/attachment/meta", "GET").length;
    const uploadsBefore = requestsTo("/attachments").length;

    const failure = adapter.attach(ref, {
      fileName: "big.json",
      contentType: "application/json",
      bytes: Buffer.alloc(300, 0x20),
    });
    const error: unknown = await failure.catch((e: unknown) => e);
    await adapter.attach(ref, {
      fileName: "small.json",
      contentType: "application/json",
      bytes: Buffer.from("{}"),
    });

    expect(error).toMatchObject({
      code: "ATTACHMENT_TOO_LARGE",
      details: { sizeBytes: 300, limitBytes: 256 },
    });
    expect(requestsTo("/attachments").length - uploadsBefore).toBe(1);
    expect(requestsTo("/attachment/meta", "GET").length - metaBefore).toBe(1);
    expect(sim.issues.get(ref.id)!.attachments.map((a) => a.filename)).toEqual([
      "small.json",
    ]);
  });

  it("waits at least Retry-After on a 503 before reading again", async () => {
    const { adapter, sleeps } = clockedAdapter();
    const ref = await adapter.create(makeDraft("U2"));
    sim.inject({
      method: "GET",
      path: /\/issue\/\d+$/,
      respond: {
        status: 503,
        headers: { "retry-after": "7" },
        body: { errorMessages: ["Service unavailable."], errors: {} },
      },
    });

    const status = await adapter.readStatus(ref);

    expect(status.lifecycle).toBe("open");
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(7_000);
  });

  it("serialises writes to one issue: a retried comment still lands before the next", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("U3"));
    sim.inject({
      method: "POST",
      path: /\/comment$/,
      respond: { status: 429, headers: { "retry-after": "1" } },
    });
    const before = requestsTo("/comment").length;

    await Promise.all([
      adapter.addNote(ref, "first"),
      adapter.addNote(ref, "second"),
      adapter.addNote(ref, "third"),
    ]);

    const comments = sim.issues
      .get(ref.id)!
      .comments.map((c) => bodyText(c.body));
    const sent = requestsTo("/comment")
      .slice(before)
      .map((r) => bodyText((r.json as { body: unknown }).body));
    expect(comments).toEqual(["first", "second", "third"]);
    expect(sent).toEqual(["first", "first", "second", "third"]);
  });

  it("links the Jira task to the ServiceNow change once, updating the link by its globalId", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("U4"));
    const change = "https://acme.service-now.com/change_request.do?sys_id=abc";

    await adapter.linkTo!(ref, { url: change, title: "CHG0030001" });
    await adapter.linkTo!(ref, { url: change, title: "CHG0030001 (approved)" });

    const links = sim.issues.get(ref.id)!.remoteLinks ?? [];
    expect(links).toEqual([
      expect.objectContaining({
        globalId: change,
        url: change,
        title: "CHG0030001 (approved)",
      }),
    ]);
    const posts = requestsTo("/remotelink").slice(-2);
    expect(posts.map((p) => (p.json as { globalId: string }).globalId)).toEqual(
      [change, change],
    );
  });
});
