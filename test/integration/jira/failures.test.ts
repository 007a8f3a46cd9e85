import { afterAll, afterEach, describe, expect, it } from "vitest";
import { correlationIdFor } from "../../../src/engine/correlation.js";
import {
  adfTextLength,
  correlationLabel,
  toAdf,
} from "../../../src/itsm/jira/index.js";
import type { AdfDoc } from "../../../src/itsm/jira/index.js";
import {
  makeAdapter,
  makeDraft,
  recordingLogger,
  startJira,
} from "./helpers.js";
import type { RecordedLog } from "./helpers.js";

const { sim, server } = startJira();
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** The status of every answer the simulator gave, in order (msw's record of its responses). */
const answered: { method: string; path: string; status: number }[] = [];
server.events.on("response:mocked", ({ request, response }) => {
  const url = new URL(request.url);
  answered.push({
    method: request.method,
    path: url.pathname,
    status: response.status,
  });
});

/** The multipart part names of every upload, read from the request as it left the client. */
const uploadParts: Promise<string[]>[] = [];
server.events.on("request:start", ({ request }) => {
  if (!new URL(request.url).pathname.endsWith("/attachments")) return;
  uploadParts.push(
    request
      .clone()
      .formData()
      .then((form) => [...form.keys()]),
  );
});

/** Every text node of an ADF document, in order. */
const adfTexts = (doc: AdfDoc): string[] =>
  doc.content.flatMap((p) =>
    p.content.flatMap((n) => (n.type === "text" ? [n.text] : [])),
  );

const posts = (suffix: string) =>
  sim.requests.filter(
    (r) => r.method === "POST" && r.path.split("?")[0]!.endsWith(suffix),
  );

describe("Jira adapter failure handling", () => {
  it("keeps an over-long title and description inside Jira's limits (BR-11)", async () => {
    const { adapter } = makeAdapter();
    const title = `Leaked generic-api-key in services/payments/config/${"nested/".repeat(26)}überprüfung-🔑-settings.yaml at commit 0123456789abcdef (branch release/2024-q2-hotfix-7)`;
    const draft = makeDraft("F11", {
      summary: title,
      description: "context line\n".repeat(3400),
    });

    const before = answered.length;

    const ref = await adapter.create(draft);

    const issue = sim.issues.get(ref.id)!;
    const fields = issue.fields;
    const summary = fields.summary as string;
    const description = fields.description as AdfDoc;
    const lastParagraph = description.content.at(-1)!.content;
    expect(summary.length).toBeLessThanOrEqual(254);
    expect(summary).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(summary).not.toMatch(/[\uD800-\uDBFF]…?$/);
    expect(summary.endsWith("…")).toBe(true);
    expect(adfTexts(description)).toContain(title);
    expect(adfTextLength(description)).toBeLessThanOrEqual(32_767);
    expect(lastParagraph.at(-1)).toEqual({
      type: "text",
      text: "[truncated – full evidence attached: finding-fp-F11.json]",
    });
    // The marker names a file that is there, and it holds what the ticket had to cut.
    const attached = issue.attachments.map((a) => a.filename);
    expect(attached).toEqual(["finding-fp-F11.json"]);
    const full = JSON.parse(
      issue.attachments[0]!.bytes.toString("utf8"),
    ) as Record<string, unknown>;
    expect(full.title).toBe(title);
    expect(full.description).toBe("context line\n".repeat(3400));
    const answers = answered.slice(before);
    expect(answers.map((a) => `${a.method} ${a.path}`)).toContain(
      "POST /rest/api/3/issue",
    );
    expect(answers.filter((a) => a.status === 400)).toEqual([]);
  });

  it("attaches nothing extra when the ticket shows the whole text (BR-11)", async () => {
    const { adapter } = makeAdapter();

    const ref = await adapter.create(makeDraft("F11s"));

    expect(sim.issues.get(ref.id)!.attachments).toEqual([]);
  });

  it("classifies Jira's not-ADF 400 as PAYLOAD_SCHEMA and does not retry it (BR-12)", async () => {
    const { adapter } = makeAdapter();
    const body = {
      errorMessages: [],
      errors: {
        description:
          "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
      },
    };
    sim.inject({
      method: "POST",
      path: /\/issue$/,
      respond: { status: 400, body },
    });
    const before = posts("/issue").length;

    const failure = adapter.create(makeDraft("F12"));

    await expect(failure).rejects.toMatchObject({
      code: "PAYLOAD_SCHEMA",
      retryable: false,
    });
    expect(posts("/issue").length - before).toBe(1);
  });

  it("sends comments through the same ADF converter as descriptions (BR-12)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F12c"));

    await adapter.addNote(ref, "Rotate the key");
    await adapter.addNote(ref, "");

    const bodies = posts(`/issue/${ref.id}/comment`).map(
      (r) => (r.json as { body: unknown }).body,
    );
    expect(bodies).toEqual([toAdf("Rotate the key"), toAdf("")]);
    expect(bodies[0]).toEqual({
      type: "doc",
      version: 1,
      content: [
        {
          type: "paragraph",
          content: [{ type: "text", text: "Rotate the key" }],
        },
      ],
    });
    expect(bodies[1]).toEqual({ type: "doc", version: 1, content: [] });
  });

  it("classifies a comment's not-ADF 400 as PAYLOAD_SCHEMA and does not retry it (BR-12)", async () => {
    const { adapter, sleeps } = makeAdapter();
    const ref = await adapter.create(makeDraft("F12d"));
    sim.inject({
      method: "POST",
      path: /\/comment$/,
      respond: {
        status: 400,
        body: {
          errorMessages: [],
          errors: {
            comment:
              "Operation value must be an Atlassian Document (see the Atlassian Document Format)",
          },
        },
      },
    });

    const failure = adapter.addNote(ref, "Rotate the key");

    await expect(failure).rejects.toMatchObject({
      code: "PAYLOAD_SCHEMA",
      retryable: false,
    });
    expect(posts(`/issue/${ref.id}/comment`)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each([403, 404])(
    "reports an XSRF rejection with status %i as CLIENT_BUG_XSRF, not a missing issue (BR-14)",
    async (status) => {
      const logs: RecordedLog[] = [];
      const { adapter, sleeps } = makeAdapter(
        {},
        { logger: recordingLogger(logs) },
      );
      const ref = await adapter.create(makeDraft(`F14-${status}`));
      const before = posts("/attachments").length;
      sim.inject({
        method: "POST",
        path: /\/attachments$/,
        respond: {
          status,
          body: "XSRF check failed",
          headers: { "content-type": "text/plain" },
        },
      });

      const failure = adapter.attach(ref, {
        fileName: "e.json",
        contentType: "application/json",
        bytes: Buffer.from("{}"),
      });

      await expect(failure).rejects.toMatchObject({
        code: "CLIENT_BUG_XSRF",
        retryable: false,
      });
      expect(posts("/attachments").length - before).toBe(1);
      expect(sleeps).toEqual([]);
      // An alert: an error-level event, not the quiet path of a deleted ticket.
      expect(
        logs.filter((l) => l.level === "error").map((l) => l.event),
      ).toEqual(["itsm.client_bug_xsrf"]);
      expect(await adapter.readStatus(ref)).toMatchObject({
        lifecycle: "open",
      });
    },
  );

  it("uploads with X-Atlassian-Token no-check and a multipart boundary (BR-14)", async () => {
    const { adapter } = makeAdapter();
    const ref = await adapter.create(makeDraft("F14b"));

    await adapter.attach(ref, {
      fileName: "e.json",
      contentType: "application/json",
      bytes: Buffer.from("{}"),
    });

    const upload = posts("/attachments").at(-1)!;
    expect(upload.headers["x-atlassian-token"]).toBe("no-check");
    expect(upload.headers["content-type"]).toMatch(
      /^multipart\/form-data; ?boundary=.+/,
    );
    expect(await uploadParts.at(-1)).toEqual(["file"]);
  });

  it("stops with NO_CLOSE_TRANSITION, posts no transition and still adds the evidence note (BR-18)", async () => {
    const { adapter } = makeAdapter({ closePath: [] });
    const ref = await adapter.create(makeDraft("F18"));
    const before = posts("/transitions").length;

    const failure = adapter.close(ref, {
      successful: true,
      notes: "closeloop: verified revoked. Evidence e.json attached.",
    });

    const error: unknown = await failure.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NO_CLOSE_TRANSITION" });
    expect((error as { details: unknown }).details).toMatchObject({
      available: ["In Progress", "Exception"],
    });
    expect(posts("/transitions").length).toBe(before);
    const notes = posts(`/issue/${ref.id}/comment`).map(
      (r) => (r.json as { body: AdfDoc }).body,
    );
    expect(notes.map(adfTexts)).toEqual([
      ["closeloop: verified revoked. Evidence e.json attached."],
    ]);
    // Remediated, ticket open: a person closes it.
    expect(await adapter.readStatus(ref)).toMatchObject({ lifecycle: "open" });
  });

  it("follows the configured path, re-reading the transitions after each hop, by category (BR-18)", async () => {
    const { adapter } = makeAdapter({ closePath: ["5011"] });
    const ref = await adapter.create(makeDraft("F18p"));
    const start = sim.requests.length;

    await adapter.close(ref, { successful: true, notes: "" });

    const calls = sim.requests
      .slice(start)
      .filter((r) => r.path.startsWith(`/rest/api/3/issue/${ref.id}`));
    const sent = calls
      .filter((c) => c.method === "POST")
      .map((c) => (c.json as { transition: { id: string } }).transition.id);
    // Hop workflow: "5011" leads to In Progress, where the re-read lists "31" (to done).
    expect(calls.map((c) => `${c.method} ${c.path.split("?")[0]}`)).toEqual([
      `GET /rest/api/3/issue/${ref.id}`,
      `POST /rest/api/3/issue/${ref.id}/transitions`,
      `GET /rest/api/3/issue/${ref.id}/transitions`,
      `POST /rest/api/3/issue/${ref.id}/transitions`,
    ]);
    expect(sent).toEqual(["5011", "31"]);
    expect((await adapter.readStatus(ref)).lifecycle).toBe("closed");
  });

  it("treats Retry-After as a floor of at least one second (BR-20)", async () => {
    const now = () => new Date("2026-10-21T07:28:00Z");
    const { adapter, sleeps } = makeAdapter({}, { now });
    const ref = await adapter.create(makeDraft("F20"));
    const answers = [
      { "retry-after": "0" },
      { "retry-after": "0" },
      { "retry-after": "Wed, 21 Oct 2026 07:28:05 GMT" },
      {},
    ];
    for (const headers of answers) {
      sim.inject({
        method: "GET",
        path: /\/issue\/\d+$/,
        respond: {
          status: 429,
          headers,
          body: { errorMessages: ["Rate limit exceeded."], errors: {} },
        },
      });
    }

    const status = await adapter.readStatus(ref);

    expect(status.lifecycle).toBe("open");
    expect(sleeps).toHaveLength(4);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(2000);
    expect(sleeps[2]).toBeGreaterThanOrEqual(5000);
    expect(sleeps[3]).toBeGreaterThanOrEqual(4000);
    // Retry-After asked for 0, 0, 5 s and nothing: together never less than 5 s.
    const total = sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(total).toBeGreaterThanOrEqual(0 + 0 + 5000);
  });

  it("gives up with a retryable RATE_LIMITED after five attempts, a sixth 429 waiting (BR-20)", async () => {
    const { adapter, sleeps } = makeAdapter();
    const ref = await adapter.create(makeDraft("F20b"));
    sim.inject({
      method: "GET",
      path: /\/issue\/\d+$/,
      times: 6,
      respond: { status: 429, headers: { "retry-after": "1" } },
    });
    const before = sim.requests.length;

    const failure = adapter.readStatus(ref);

    await expect(failure).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
    });
    expect(sleeps).toHaveLength(4);
    expect(sim.requests.length - before).toBe(5);
    // The job, re-queued, meets the sixth 429 and then its answer.
    expect(await adapter.readStatus(ref)).toMatchObject({ lifecycle: "open" });
    expect(sleeps).toHaveLength(5);
  });

  it("waits out several lagging lookups after a lost create answer and creates once (BR-22)", async () => {
    let clock = Date.parse("2026-10-21T07:28:00Z");
    const slept: number[] = [];
    const { adapter } = makeAdapter(
      {},
      {
        now: () => new Date(clock),
        sleep: (ms) => {
          slept.push(ms);
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    // SEC-1 … SEC-39 exist: the lost create makes SEC-40.
    while (sim.issues.size < 39)
      await adapter.create(makeDraft(`pre${sim.issues.size}`));
    const correlationId = correlationIdFor("fp-F22", 1);
    const label = correlationLabel(correlationId);
    sim.searchLag = 3;
    sim.inject({ method: "POST", path: /\/issue$/, respond: "drop-after" });
    const before = posts("/issue").length;

    const ref = await adapter.create({
      ...makeDraft("F22"),
      correlationId,
    });

    sim.searchLag = 0;
    const lookups = sim.requests.filter(
      (r) =>
        r.path.includes("/search/jql") &&
        new URL(r.path, "https://x").searchParams.get("jql")!.includes(label),
    );
    expect(posts("/issue").length - before).toBe(1);
    expect(lookups.length).toBe(4);
    expect(slept.length).toBe(3);
    expect(slept.reduce((sum, ms) => sum + ms, 0)).toBeLessThanOrEqual(60_000);
    expect(ref.key).toBe("SEC-40");
    expect(sim.issues.get(ref.id)?.fields.labels).toContain(label);
  });
});

describe("Jira authentication failures", () => {
  it("treats a 200 flagged X-Seraph-LoginReason AUTHENTICATED_FAILED as AUTH_FAILED", async () => {
    server.close();
    const { server: strict } = startJira(
      { credentials: ["Basic not-ours"] },
      { checkSpec: false },
    );
    const { adapter } = makeAdapter();

    const failure = adapter.findByCorrelation("finding-X");

    await expect(failure).rejects.toMatchObject({ code: "AUTH_FAILED" });
    strict.close();
    server.listen({ onUnhandledRequest: "error" });
  });
});
