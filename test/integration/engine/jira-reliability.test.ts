import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

const CREATE = /^\/rest\/api\/3\/issue$/;

const creates = (h: RealItsmHarness) =>
  h.jira.requests.filter((r) => r.method === "POST" && CREATE.test(r.path));

describe("Jira failures the engine rides out (BR-20, BR-22)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("re-queues the finding whose create keeps getting 429 and works the other in the same pass", async () => {
    h = await new RealItsmHarness(["jira"]).start();
    h.jira.inject({
      method: "POST",
      path: CREATE,
      respond: {
        status: 429,
        headers: { "Retry-After": "30" },
        body: { errorMessages: ["Rate limit exceeded."] },
      },
      times: 6,
    });
    const recs = [makeRecord("limited-a"), makeRecord("limited-b")];
    await h.engine.ingest(recs);
    const passAt = h.clock.now().getTime();

    const summary = await h.engine.runOnce();

    const records = await Promise.all(
      recs.map((r) => h.store.getFinding(r.finding.fingerprint)),
    );
    const limited = records.filter((r) => r?.state === "ticketing");
    const moved = records.filter((r) => r?.state === "awaiting_approval");
    expect(limited).toHaveLength(1);
    expect(moved).toHaveLength(1);
    expect(limited[0]?.reason).toMatch(
      /^ticketing deferred: RATE_LIMITED until /,
    );
    expect(Date.parse(limited[0]!.dueAt!)).toBeGreaterThanOrEqual(
      passAt + 30_000,
    );
    // Its ticket is still only pending: no issue was opened for it.
    expect(
      (await h.store.listTickets(limited[0]!.fingerprint)).map((t) => t.ref),
    ).toEqual([null]);
    expect(await h.store.listTickets(moved[0]!.fingerprint)).toHaveLength(1);
    // Five attempts for the one, the sixth 429 and the success for the other.
    expect(creates(h)).toHaveLength(7);
    expect(summary.deferred).toBe(1);
    expect(summary.errors).toBe(0);

    h.clock.advance(60_000);
    await h.engine.runOnce();
    expect((await h.store.getFinding(limited[0]!.fingerprint))?.state).toBe(
      "awaiting_approval",
    );
    expect(h.jira.issues.size).toBe(2);
  });

  it("creates once across a dropped answer and a lagging search, and links the existing issue", async () => {
    h = await new RealItsmHarness(["jira"]).start();
    // The server creates the issue, then the connection dies before the answer.
    h.jira.inject({ method: "POST", path: CREATE, respond: "drop-after" });
    // The search index shows the new issue only two searches later.
    h.jira.searchLag = 2;
    const rec = makeRecord("ambiguous");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);

    await h.settle();

    const issues = [...h.jira.issues.values()];
    const tickets = await h.store.listTickets(fp);
    expect(creates(h)).toHaveLength(1);
    expect(issues).toHaveLength(1);
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.ref).toMatchObject({
      id: issues[0]!.id,
      key: issues[0]!.key,
    });
    expect((await h.store.getFinding(fp))?.state).toBe("awaiting_approval");
    expect(h.logger.events()).toContain("ticket.create_recovered");
  });
});
