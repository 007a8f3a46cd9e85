import { afterEach, describe, expect, it } from "vitest";
import { draftFor, startHarness } from "./harness.js";
import type { Harness } from "./harness.js";

let h: Harness;
afterEach(() => h.close());

describe("field cases", () => {
  it("classifies a 200 HTML hibernation page as INSTANCE_UNAVAILABLE and backs off minutes (BR-06)", async () => {
    h = startHarness();
    const ref = await h.adapter.create(draftFor("fp-sleep"));
    h.sim.faults.hibernate();

    const error: unknown = await h.adapter
      .readApproval(ref)
      .catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: "INSTANCE_UNAVAILABLE",
      retryable: true,
      details: { reason: "hibernating" },
    });
    expect(
      (error as { retryAfterMs: number }).retryAfterMs,
    ).toBeGreaterThanOrEqual(60_000);
    expect(h.sleeps).toEqual([]);
    expect(h.adapter.health()).toMatchObject({ state: "hibernating" });
    await expect(
      h.adapter.create(draftFor("fp-sleep-2")),
    ).rejects.toMatchObject({
      code: "INSTANCE_UNAVAILABLE",
    });

    h.sim.faults.hibernate(false);
    await h.adapter.readStatus(ref);
    expect(h.adapter.health().state).toBe("ok");
    expect(h.sim.store.rows("change_request")).toHaveLength(1);
  });

  it("follows Link rel=next over 10,003 changes and creates none for a known finding (BR-09)", async () => {
    h = startHarness();
    for (let i = 0; i < 10_003; i += 1) {
      h.sim.store.insert(
        "change_request",
        {
          correlation_id: `finding-fp-${i}`,
          state: "-5",
          short_description: `bulk ${i}`,
        },
        "admin",
      );
    }

    const scan = await h.adapter.listChangedSince(null);
    const beforeLookup = h.sim.requests.length;
    // The lookup the engine makes before every create (the adapter's create does not repeat it).
    const found = await h.adapter.findByCorrelation(
      draftFor("fp-10002").correlationId,
    );

    const lookup = h.sim.requests.slice(beforeLookup);
    const query = new URLSearchParams(lookup[0]?.search);
    expect(lookup).toHaveLength(1);
    expect(lookup[0]).toMatchObject({
      method: "GET",
      path: "/api/now/table/change_request",
    });
    expect(query.get("sysparm_query")).toBe(
      "correlation_id=finding-fp-10002^ORDERBYsys_created_on",
    );
    expect(query.get("sysparm_offset")).toBeNull();
    expect(new Set(scan.ids).size).toBe(10_003);
    expect(found?.id).toBe(h.sim.store.rows("change_request").at(-1)?.sys_id);
    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    expect(scan.cursor).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("aborts the scan when a later page fails instead of returning a partial list (BR-09)", async () => {
    h = startHarness();
    for (let i = 0; i < 2_500; i += 1) {
      h.sim.store.insert(
        "change_request",
        { correlation_id: `finding-p${i}` },
        "admin",
      );
    }
    h.sim.faults.failRequests({
      match: (_req, url) => url.searchParams.get("sysparm_offset") === "2000",
      status: 500,
      times: 10,
    });

    const run = h.adapter.listChangedSince(null);

    await expect(run).rejects.toMatchObject({ code: "SERVER_ERROR" });
    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    expect(h.sim.store.rows("change_request")).toHaveLength(2_500);
  });

  it("honours Retry-After as a minimum and gives up with RATE_LIMITED (BR-20)", async () => {
    const clock = new Date("2026-10-21T07:28:00Z");
    h = startHarness({ now: () => clock, sim: { now: () => clock } });
    const ref = await h.adapter.create(draftFor("fp-429"));
    h.sim.faults.force429([
      { retryAfter: "0" },
      { retryAfter: "0" },
      { retryAfter: "Wed, 21 Oct 2026 07:28:05 GMT" },
      {},
    ]);

    const status = await h.adapter.readStatus(ref);
    h.sim.faults.force429(
      Array.from({ length: 5 }, () => ({ retryAfter: "0" })),
    );
    const limited = h.adapter.readStatus(ref);

    expect(status.lifecycle).toBe("open");
    expect(
      h.sleeps.slice(0, 4).map((ms, i) => ms >= [1000, 2000, 5000, 4000][i]!),
    ).toEqual([true, true, true, true]);
    await expect(limited).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
    });
  });

  it("finds the change created before the connection reset and creates once (BR-22)", async () => {
    h = startHarness();
    h.sim.faults.dropConnectionAfterCreate({ hiddenForQueries: 1 });

    const ref = await h.adapter.create(draftFor("fp-reset"));

    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(h.sim.store.rows("change_request")).toHaveLength(1);
    expect(ref.id).toBe(h.sim.store.rows("change_request")[0]?.sys_id);
    expect(h.sleeps.length).toBeGreaterThanOrEqual(1);
  });

  it("gives up the lookup after the configured window with a retryable AMBIGUOUS_WRITE", async () => {
    h = startHarness({ config: { lookupWindowMs: 5_000 } });
    h.sim.faults.dropConnectionAfterCreate({ hiddenForQueries: 100 });

    const run = h.adapter.create(draftFor("fp-lost"));

    await expect(run).rejects.toMatchObject({
      code: "AMBIGUOUS_WRITE",
      retryable: true,
    });
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(h.sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("turns a wrong password into AUTH_FAILED without retrying", async () => {
    h = startHarness({ sim: { password: "another" } });

    const run = h.adapter.ownUserId();

    await expect(run).rejects.toMatchObject({
      code: "AUTH_FAILED",
      retryable: false,
    });
    expect(h.sim.requests).toHaveLength(1);
  });
});
