import { afterAll, afterEach, describe, expect, it } from "vitest";
import { adfTextLength } from "../../../src/itsm/jira/index.js";
import type { AdfDoc } from "../../../src/itsm/jira/index.js";
import { makeAdapter, makeDraft, startJira } from "./helpers.js";

const { sim, server } = startJira();
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

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

    const ref = await adapter.create(draft);

    const fields = sim.issues.get(ref.id)!.fields;
    const summary = fields.summary as string;
    const description = fields.description as AdfDoc;
    const lastParagraph = description.content.at(-1)!.content;
    expect(summary.length).toBeLessThanOrEqual(254);
    expect(summary).not.toMatch(/[\uD800-\uDBFF]…?$/);
    expect(summary.endsWith("…")).toBe(true);
    expect(JSON.stringify(description)).toContain(
      JSON.stringify(title).slice(1, -1),
    );
    expect(adfTextLength(description)).toBeLessThanOrEqual(32_767);
    expect(lastParagraph.at(-1)).toEqual({
      type: "text",
      text: "[truncated – full evidence attached: finding-fp-F11.json]",
    });
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

  it.each([403, 404])(
    "reports an XSRF rejection with status %i as CLIENT_BUG_XSRF, not a missing issue (BR-14)",
    async (status) => {
      const { adapter } = makeAdapter();
      const ref = await adapter.create(makeDraft(`F14-${status}`));
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
  });

  it("stops with NO_CLOSE_TRANSITION and posts nothing when no path leads to done (BR-18)", async () => {
    const { adapter } = makeAdapter({ closePath: [] });
    const ref = await adapter.create(makeDraft("F18"));
    const before = posts("/transitions").length;

    const failure = adapter.close(ref, { successful: true, notes: "" });

    const error: unknown = await failure.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NO_CLOSE_TRANSITION" });
    expect((error as { details: unknown }).details).toMatchObject({
      available: ["In Progress", "Exception"],
    });
    expect(posts("/transitions").length).toBe(before);
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
  });

  it("gives up with a retryable RATE_LIMITED after five 429s (BR-20)", async () => {
    const { adapter, sleeps } = makeAdapter();
    const ref = await adapter.create(makeDraft("F20b"));
    sim.inject({
      method: "GET",
      path: /\/issue\/\d+$/,
      times: 5,
      respond: { status: 429, headers: { "retry-after": "1" } },
    });

    const failure = adapter.readStatus(ref);

    await expect(failure).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
    });
    expect(sleeps).toHaveLength(4);
  });

  it("finds the issue a lost create response made instead of creating another (BR-22)", async () => {
    const { adapter } = makeAdapter();
    sim.searchLag = 1;
    sim.inject({ method: "POST", path: /\/issue$/, respond: "drop-after" });
    const before = posts("/issue").length;

    const ref = await adapter.create(makeDraft("F22"));

    sim.searchLag = 0;
    const searches = sim.requests.filter((r) =>
      r.path.includes("closeloop-F22"),
    );
    expect(posts("/issue").length - before).toBe(1);
    expect(searches.length).toBe(2);
    expect(sim.issues.get(ref.id)?.fields.labels).toContain("closeloop-F22");
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

    const failure = adapter.findByCorrelation("closeloop-X");

    await expect(failure).rejects.toMatchObject({ code: "AUTH_FAILED" });
    strict.close();
    server.listen({ onUnhandledRequest: "error" });
  });
});
