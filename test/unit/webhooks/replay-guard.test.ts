import { describe, expect, it } from "vitest";
import { bodyKey, ReplayGuard } from "../../../src/http/webhooks/index.js";

describe("ReplayGuard", () => {
  it("knows a delivery again by any one of its keys", () => {
    const guard = new ReplayGuard();
    const body = bodyKey(Buffer.from('{"a":1}'));

    const first = guard.isDuplicate(body, "delivery:d-1");
    const newId = guard.isDuplicate(body, "delivery:d-2");
    const sameId = guard.isDuplicate(
      bodyKey(Buffer.from('{"a":2}')),
      "delivery:d-1",
    );

    expect([first, newId, sameId]).toEqual([false, true, true]);
  });

  it("forgets a delivery once its TTL has passed", () => {
    let now = 0;
    const guard = new ReplayGuard({ ttlMs: 1000, now: () => now });

    guard.isDuplicate("body:x");
    now = 999;
    const within = guard.isDuplicate("body:x");
    now = 5000;
    const after = guard.isDuplicate("body:x");

    expect([within, after]).toEqual([true, false]);
  });

  it("holds no more deliveries than its capacity, forgetting the oldest first", () => {
    const guard = new ReplayGuard({ capacity: 2 });

    guard.isDuplicate("a");
    guard.isDuplicate("b");
    guard.isDuplicate("c");

    expect(guard.isDuplicate("c")).toBe(true);
    expect(guard.isDuplicate("a")).toBe(false);
  });

  it("takes an order equal to or below the newest recorded as out of order", () => {
    const guard = new ReplayGuard();

    guard.recordOrder("snow:1", 5);
    guard.recordOrder("snow:1", 3);

    expect(guard.isOutOfOrder("snow:1", 4)).toBe(true);
    expect(guard.isOutOfOrder("snow:1", 5)).toBe(true);
    expect(guard.isOutOfOrder("snow:1", 6)).toBe(false);
    expect(guard.isOutOfOrder("snow:2", 1)).toBe(false);
  });
});
