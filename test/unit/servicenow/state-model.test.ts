import { describe, expect, it } from "vitest";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
} from "../../../src/sandbox/servicenow/index.js";
import type { ServiceNowSimulatorOptions } from "../../../src/sandbox/servicenow/index.js";

const BASE = "https://sim.service-now.test";
const auth = `Basic ${Buffer.from(`${INTEGRATION_USER}:${DEFAULT_SANDBOX_PASSWORD}`).toString("base64")}`;

async function patch(
  sim: ServiceNowSimulator,
  id: string,
  body: Record<string, string>,
): Promise<{ status: number; state: string | undefined }> {
  const response = await sim.handle(
    new Request(`${BASE}/api/now/table/change_request/${id}`, {
      method: "PATCH",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(body),
    }),
  );
  return {
    status: response?.status ?? 0,
    state: sim.store.get("change_request", id)?.state,
  };
}

async function created(
  options: ServiceNowSimulatorOptions = {},
  fields: Record<string, string> = {},
): Promise<{ sim: ServiceNowSimulator; id: string }> {
  const sim = new ServiceNowSimulator({ baseUrl: BASE, ...options });
  const response = await sim.handle(
    new Request(`${BASE}/api/now/table/change_request`, {
      method: "POST",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(fields),
    }),
  );
  const { result } = (await response!.json()) as { result: { sys_id: string } };
  return { sim, id: result.sys_id };
}

function change(sim: ServiceNowSimulator, id: string) {
  return sim.store.get("change_request", id);
}

function approvals(sim: ServiceNowSimulator, id: string): string[][] {
  const names = new Map(
    sim.store.rows("sys_user").map((u) => [u.sys_id, u.user_name]),
  );
  return sim.store
    .rows("sysapproval_approver")
    .filter((a) => a.sysapproval === id)
    .map((a) => [
      names.get(a.approver) ?? "",
      a.state ?? "",
      a.iteration ?? "",
    ]);
}

/** A group "App Owners" with the admin in it: the assignment group's technical approver. */
function ownersGroup(sim: ServiceNowSimulator): string {
  const group = sim.store.insert(
    "sys_user_group",
    { name: "App Owners", active: "true" },
    "system",
  );
  const admin = sim.store.rows("sys_user").find((u) => u.user_name === "admin");
  sim.store.insert(
    "sys_user_grmember",
    { user: admin?.sys_id ?? "", group: group.sys_id ?? "" },
    "system",
  );
  return group.sys_id ?? "";
}

describe("the sandbox's normal-change model", () => {
  it("walks New, Assess, Authorize, Scheduled, Implement, Review, Closed", async () => {
    const { sim, id } = await created();
    const seen: (string | undefined)[] = [];

    seen.push((await patch(sim, id, { state: "-4" })).state);
    const asked = approvals(sim, id);
    sim.decide(id, "cab.alice", "approved", "ok");
    seen.push(change(sim, id)?.state);
    seen.push((await patch(sim, id, { state: "-1" })).state);
    seen.push((await patch(sim, id, { state: "0" })).state);
    seen.push(
      (
        await patch(sim, id, {
          state: "3",
          close_code: "successful",
          close_notes: "done",
        })
      ).state,
    );

    // Technical approvals are skipped by the policy: Assess hands over to Authorize at once.
    expect(seen).toEqual(["-3", "-2", "-1", "0", "3"]);
    expect(asked).toEqual([
      ["cab.alice", "requested", "1"],
      ["cab.bob", "requested", "1"],
    ]);
    expect(change(sim, id)).toMatchObject({ approval: "approved" });
    expect(change(sim, id)?.approval_set).not.toBe("");
    const history = sim.store.journalText(
      "change_request",
      id,
      "approval_history",
    );
    expect(history).toContain(
      "Normal Change Policy skipped (Technical approvals).",
    );
    expect(history).toContain("Group approval for CAB Approval is requested.");
    expect(history).toContain(
      "Group approval for CAB Approval approved by user Alice Approver.",
    );
  });

  it("asks the assignment group at Assess and the CAB only at Authorize", async () => {
    const { sim, id } = await created({ technicalApprovals: true });
    const owners = ownersGroup(sim);
    await patch(sim, id, { assignment_group: owners });

    const assess = await patch(sim, id, { state: "-4" });
    const askedAtAssess = approvals(sim, id);
    const early = await patch(sim, id, { state: "-3" });
    sim.decide(id, "admin", "approved", "technically fine");
    const atAuthorize = { ...change(sim, id) };
    sim.decide(id, "cab.bob", "approved", "CAB ok");

    expect(assess).toEqual({ status: 200, state: "-4" });
    expect(askedAtAssess).toEqual([["admin", "requested", "1"]]);
    // Authorize waits on the technical approval: 200, and nothing moved (reference §0.3).
    expect(early).toEqual({ status: 200, state: "-4" });
    expect(atAuthorize).toMatchObject({ state: "-3", approval: "requested" });
    expect(change(sim, id)).toMatchObject({
      state: "-2",
      approval: "approved",
    });
    expect(approvals(sim, id)).toEqual([
      ["admin", "approved", "1"],
      ["cab.alice", "not_required", "1"],
      ["cab.bob", "approved", "1"],
    ]);
  });

  it("needs every member's approval under the everyone rule, and any rejection rejects", async () => {
    const all = await created({ approvalRule: "everyone" });
    await patch(all.sim, all.id, { state: "-4" });
    const other = await created({ approvalRule: "everyone" });
    await patch(other.sim, other.id, { state: "-4" });

    all.sim.decide(all.id, "cab.alice", "approved", "");
    const afterOne = { ...change(all.sim, all.id) };
    all.sim.decide(all.id, "cab.bob", "approved", "");
    other.sim.decide(other.id, "cab.alice", "approved", "");
    other.sim.decide(other.id, "cab.bob", "rejected", "not now");

    expect(afterOne).toMatchObject({ state: "-3", approval: "requested" });
    expect(change(all.sim, all.id)).toMatchObject({
      state: "-2",
      approval: "approved",
    });
    expect(change(other.sim, other.id)).toMatchObject({
      state: "-5",
      approval: "rejected",
    });
  });

  it("starts a new round when a rejected change is submitted again", async () => {
    const { sim, id } = await created();
    await patch(sim, id, { state: "-4" });
    sim.decide(id, "cab.alice", "rejected", "wrong window");

    const again = await patch(sim, id, { state: "-4" });
    const waiting = { ...change(sim, id) };
    sim.decide(id, "cab.bob", "approved", "fine now");

    expect(again.state).toBe("-3");
    expect(waiting).toMatchObject({ approval: "requested" });
    expect(change(sim, id)).toMatchObject({
      state: "-2",
      approval: "approved",
    });
    expect(approvals(sim, id).map((a) => a[2])).toEqual(["1", "1", "2", "2"]);
  });

  it("refuses skipped states with an error and leaves held or unapproved moves undone with 200", async () => {
    const { sim, id } = await created();
    const skip = await patch(sim, id, { state: "-2" });
    await patch(sim, id, { state: "-4" });
    const unapproved = await patch(sim, id, { state: "-2" });
    sim.decide(id, "cab.alice", "approved", "");
    const noReason = await patch(sim, id, { on_hold: "true" });
    await patch(sim, id, { on_hold: "true", on_hold_reason: "change freeze" });

    const held = await patch(sim, id, { state: "-1" });
    const released = await patch(sim, id, { on_hold: "false", state: "-1" });

    expect(skip).toEqual({ status: 403, state: "-5" });
    expect(unapproved).toEqual({ status: 200, state: "-3" });
    expect(noReason.status).toBe(403);
    expect(held).toEqual({ status: 200, state: "-2" });
    expect(released).toEqual({ status: 200, state: "-1" });
  });

  it("moves a change the CAB approved while it was held once the hold is lifted", async () => {
    const { sim, id } = await created();
    await patch(sim, id, { state: "-4" });
    await patch(sim, id, { on_hold: "true", on_hold_reason: "change freeze" });

    sim.decide(id, "cab.alice", "approved", "");
    const held = { ...change(sim, id) };
    const lifted = await patch(sim, id, { on_hold: "false" });

    expect(held).toMatchObject({ state: "-3", approval: "approved" });
    expect(lifted).toEqual({ status: 200, state: "-2" });
  });

  it("refuses to put a New change on hold", async () => {
    const { sim, id } = await created();

    const hold = await patch(sim, id, { on_hold: "true", on_hold_reason: "x" });

    expect(hold.status).toBe(403);
    expect(change(sim, id)?.on_hold).toBe("false");
  });
});
