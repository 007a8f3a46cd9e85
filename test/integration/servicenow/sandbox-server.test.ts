import { afterEach, describe, expect, it } from "vitest";
import { startSandboxServer } from "../../../src/sandbox/server.js";
import type { SandboxServer } from "../../../src/sandbox/server.js";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
} from "../../../src/sandbox/servicenow/index.js";

let server: SandboxServer | undefined;
afterEach(async () => server?.close());

const auth = `Basic ${Buffer.from(`${INTEGRATION_USER}:${DEFAULT_SANDBOX_PASSWORD}`).toString("base64")}`;

describe("sandbox HTTP server", () => {
  it("serves the API, lists changes escaped, and takes a CAB decision by form POST", async () => {
    const sim = new ServiceNowSimulator();
    server = await startSandboxServer({ port: 0, systems: [sim] });
    const created = await fetch(`${server.url}/api/now/table/change_request`, {
      method: "POST",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({
        short_description: "<script>alert(1)</script> rotate key",
      }),
    });
    const { result } = (await created.json()) as { result: { sys_id: string } };
    await fetch(`${server.url}/api/now/table/change_request/${result.sys_id}`, {
      method: "PATCH",
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify({ state: "-4" }),
    });

    const page = await (await fetch(`${server.url}/`)).text();
    const decision = await fetch(
      `${server.url}/sandbox/servicenow/changes/${result.sys_id}/decision`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "approver=cab.alice&decision=approved",
        redirect: "manual",
      },
    );
    const again = await fetch(
      `${server.url}/sandbox/servicenow/changes/${result.sys_id}/decision`,
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "approver=cab.alice&decision=approved",
        redirect: "manual",
      },
    );

    expect(created.status).toBe(201);
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; rotate key");
    expect(page).not.toContain("<script>alert(1)");
    expect(page).toContain(
      `/sandbox/servicenow/changes/${result.sys_id}/decision`,
    );
    expect(decision.status).toBe(303);
    expect(again.status).toBe(409);
    expect(sim.store.get("change_request", result.sys_id)).toMatchObject({
      approval: "approved",
      state: "-2",
    });
  });

  it("drops the connection when the simulator says so", async () => {
    const sim = new ServiceNowSimulator();
    server = await startSandboxServer({ port: 0, systems: [sim] });
    sim.faults.dropConnectionAfterCreate();

    const run = fetch(`${server.url}/api/now/table/change_request`, {
      method: "POST",
      headers: { Authorization: auth, "Content-Type": "application/json" },
      body: "{}",
    });

    await expect(run).rejects.toThrow();
    expect(sim.store.rows("change_request")).toHaveLength(1);
  });
});
