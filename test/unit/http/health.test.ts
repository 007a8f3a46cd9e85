import { describe, expect, it } from "vitest";
import { HealthTracker } from "../../../src/http/health.js";

describe("HealthTracker", () => {
  it("lists registered instances as unknown and the whole as ok until one reports", () => {
    const health = new HealthTracker(() => new Date("2025-01-01T00:00:00Z"));
    health.register("itsm", "snow");

    expect(health.report()).toEqual({
      status: "ok",
      itsm: { snow: { state: "unknown", since: "2025-01-01T00:00:00.000Z" } },
      targets: {},
    });
  });

  it("keeps the time a state began while the state lasts", () => {
    let now = new Date("2025-01-01T00:00:00Z");
    const health = new HealthTracker(() => now);

    health.target("pg", "unreachable", "ECONNREFUSED");
    now = new Date("2025-01-01T00:05:00Z");
    health.target("pg", "unreachable", "ECONNREFUSED");

    expect(health.report().targets["pg"]).toEqual({
      state: "unreachable",
      since: "2025-01-01T00:00:00.000Z",
      detail: "ECONNREFUSED",
    });
  });

  it("reads a watched adapter's own state on every report", () => {
    const health = new HealthTracker();
    let state: "ok" | "hibernating" = "ok";
    health.watch("itsm", "snow-dev", () => ({
      state,
      since: "2025-02-02T00:00:00Z",
    }));

    const before = health.report();
    state = "hibernating";
    const after = health.report();

    expect(before.status).toBe("ok");
    expect(after).toMatchObject({
      status: "degraded",
      itsm: {
        "snow-dev": { state: "hibernating", since: "2025-02-02T00:00:00Z" },
      },
    });
  });
});
