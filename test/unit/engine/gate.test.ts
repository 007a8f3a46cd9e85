import { describe, expect, it } from "vitest";
import { checkGate, type GateInput } from "../../../src/engine/gate.js";
import type { ApprovalReading } from "../../../src/itsm/types.js";

const reading = (over: Partial<ApprovalReading> = {}): ApprovalReading => ({
  status: "approved",
  ticketState: "-2",
  inImplementation: false,
  readyForWork: true,
  onHold: false,
  approvers: [
    { userId: "u-cab", group: "CAB", state: "approved", recordId: "r1" },
  ],
  requestedBy: "bot",
  window: {},
  planHash: "hash",
  readAt: "2026-05-04T09:00:00.000Z",
  ...over,
});

const input = (over: Partial<GateInput> = {}): GateInput => ({
  reading: reading(),
  ownUserId: "bot",
  planHash: "hash",
  target: { id: "pg-1", planned: "db:5432/app", current: "db:5432/app" },
  allowedGroups: undefined,
  now: new Date("2026-05-04T09:00:00.000Z"),
  ...over,
});

const blockOf = (over: Partial<GateInput>) => {
  const r = checkGate(input(over));
  return r.pass ? "pass" : r.block;
};

describe("checkGate", () => {
  it("passes an approval by an independent approver for the stored plan", () => {
    expect(blockOf({})).toBe("pass");
  });

  it("names each condition that fails", () => {
    expect(blockOf({ reading: reading({ status: "requested" }) })).toBe(
      "not_approved",
    );
    expect(blockOf({ reading: reading({ status: "rejected" }) })).toBe(
      "rejected",
    );
    expect(blockOf({ planHash: "other" })).toBe("plan_hash_mismatch");
    expect(blockOf({ reading: reading({ planHash: null }) })).toBe(
      "plan_hash_mismatch",
    );
    expect(blockOf({ ownUserId: "u-cab" })).toBe("approved_by_closeloop");
    expect(blockOf({ reading: reading({ requestedBy: "u-cab" }) })).toBe(
      "approved_by_requester",
    );
    expect(blockOf({ allowedGroups: ["Security"] })).toBe(
      "approver_not_in_allowed_group",
    );
    expect(
      blockOf({
        reading: reading({ window: { start: "2026-05-04T10:00:00Z" } }),
      }),
    ).toBe("before_window");
    expect(
      blockOf({
        reading: reading({ window: { end: "2026-05-04T08:00:00Z" } }),
      }),
    ).toBe("window_passed");
  });

  it("blocks an approved change that is not yet where work may start", () => {
    const r = checkGate(
      input({ reading: reading({ ticketState: "-4", readyForWork: false }) }),
    );

    expect(r).toMatchObject({ pass: false, block: "not_scheduled" });
    expect(r.pass ? "" : r.reason).toMatch(/^NOT_SCHEDULED: .* state -4/);
  });

  it("blocks an approved, scheduled change that is on hold", () => {
    const r = checkGate(input({ reading: reading({ onHold: true }) }));

    expect(r).toMatchObject({ pass: false, block: "on_hold" });
    expect(r.pass ? "" : r.reason).toMatch(/^ON_HOLD: /);
  });

  it("blocks a plan whose target now points at another system", () => {
    const target = { id: "pg-1", planned: "db:1/app", current: "db:55432/app" };

    const r = checkGate(input({ target }));

    expect(r).toMatchObject({ pass: false, block: "target_changed" });
    expect(r.pass ? "" : r.reason).toBe(
      "TARGET_CHANGED: pg-1 now points at db:55432/app, the approved plan at db:1/app; " +
        "a new plan and approval are needed",
    );
  });

  it("blocks a stored plan that does not record its target's endpoint", () => {
    const target = { id: "pg-1", planned: undefined, current: "db:5432/app" };

    const r = checkGate(input({ target }));

    expect(r).toMatchObject({ pass: false, block: "target_changed" });
    expect(r.pass ? "" : r.reason).toMatch(
      /^TARGET_CHANGED: pg-1 now points at db:5432\/app, the approved plan does not record/,
    );
  });

  it("passes a change already in Implement", () => {
    expect(
      blockOf({
        reading: reading({ ticketState: "-1", inImplementation: true }),
      }),
    ).toBe("pass");
  });

  it("ignores approvers whose record is not approved", () => {
    const approvers = [
      { userId: "u-x", state: "rejected" as const, recordId: "r2" },
      { userId: "bot", state: "approved" as const, recordId: "r3" },
    ];

    expect(blockOf({ reading: reading({ approvers }) })).toBe(
      "approved_by_closeloop",
    );
  });
});
