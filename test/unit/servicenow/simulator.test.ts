import { describe, expect, it } from "vitest";
import {
  DEFAULT_SANDBOX_PASSWORD,
  INTEGRATION_USER,
  ServiceNowSimulator,
} from "../../../src/sandbox/servicenow/index.js";

const BASE = "https://sim.service-now.test";
const auth = `Basic ${Buffer.from(`${INTEGRATION_USER}:${DEFAULT_SANDBOX_PASSWORD}`).toString("base64")}`;

function call(
  sim: ServiceNowSimulator,
  method: string,
  path: string,
  body?: unknown,
) {
  return sim.handle(
    new Request(`${BASE}${path}`, {
      method,
      headers: {
        Authorization: auth,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

describe("ServiceNowSimulator", () => {
  it("ignores an unknown query field and returns every row, as ServiceNow does", async () => {
    const sim = new ServiceNowSimulator({ baseUrl: BASE });
    await call(sim, "POST", "/api/now/table/change_request", {
      correlation_id: "a",
    });
    await call(sim, "POST", "/api/now/table/change_request", {
      correlation_id: "b",
    });

    const response = await call(
      sim,
      "GET",
      "/api/now/table/change_request?sysparm_query=correlation_idd=a",
    );
    const body = (await response!.json()) as { result: unknown[] };

    expect(body.result).toHaveLength(2);
    expect(response!.headers.get("X-Total-Count")).toBe("2");
  });

  it("shows journals only with display values and drops the sys_id of references (BR-07)", async () => {
    const sim = new ServiceNowSimulator({ baseUrl: BASE });
    const created = await call(sim, "POST", "/api/now/table/change_request", {
      short_description: "x",
    });
    const { result } = (await created!.json()) as {
      result: { sys_id: string };
    };
    await call(sim, "PATCH", `/api/now/table/change_request/${result.sys_id}`, {
      work_notes: "hello",
    });

    const raw = await call(
      sim,
      "GET",
      `/api/now/table/change_request/${result.sys_id}?sysparm_fields=work_notes,requested_by`,
    );
    const shown = await call(
      sim,
      "GET",
      `/api/now/table/change_request/${result.sys_id}?sysparm_fields=work_notes,requested_by&sysparm_display_value=true`,
    );

    const rawBody = (await raw!.json()) as {
      result: { work_notes: string; requested_by: { value: string } };
    };
    const shownBody = (await shown!.json()) as {
      result: { work_notes: string; requested_by: Record<string, string> };
    };
    expect(rawBody.result.work_notes).toBe("");
    expect(rawBody.result.requested_by.value).toMatch(/^[0-9a-f]{32}$/);
    expect(shownBody.result.work_notes).toContain("hello");
    expect(shownBody.result.requested_by).not.toHaveProperty("value");
  });

  it("refuses to skip from Implement straight to Closed", async () => {
    const sim = new ServiceNowSimulator({ baseUrl: BASE });
    const created = await call(
      sim,
      "POST",
      "/api/now/table/change_request",
      {},
    );
    const { result } = (await created!.json()) as {
      result: { sys_id: string };
    };
    await call(sim, "PATCH", `/api/now/table/change_request/${result.sys_id}`, {
      state: "-4",
    });
    sim.decide(result.sys_id, "cab.alice", "approved");
    await call(sim, "PATCH", `/api/now/table/change_request/${result.sys_id}`, {
      state: "-1",
    });

    const skip = await call(
      sim,
      "PATCH",
      `/api/now/table/change_request/${result.sys_id}`,
      {
        state: "3",
        close_code: "successful",
        close_notes: "done",
      },
    );

    expect(skip!.status).toBe(403);
    expect(await skip!.json()).toMatchObject({
      status: "failure",
      error: { message: "Operation Failed" },
    });
    expect(sim.store.get("change_request", result.sys_id)?.state).toBe("-1");
  });

  it("answers 429 with rate-limit headers past the configured rate", async () => {
    const sim = new ServiceNowSimulator({
      baseUrl: BASE,
      rateLimit: { limit: 2, windowMs: 60_000 },
    });

    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push(
        (await call(sim, "GET", "/api/now/table/sys_user"))!.status,
      );
    }
    const limited = await call(sim, "GET", "/api/now/table/sys_user");

    expect(statuses).toEqual([200, 200, 429]);
    expect(limited!.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(limited!.headers.get("X-RateLimit-Reset")).toMatch(/^\d+$/);
  });

  it("keeps an upload pending until its scan time has passed, however often it is read", async () => {
    let nowMs = Date.parse("2026-05-04T09:00:00.000Z");
    const sim = new ServiceNowSimulator({
      baseUrl: BASE,
      attachmentScanMs: 30_000,
      now: () => new Date(nowMs),
    });
    const created = await call(
      sim,
      "POST",
      "/api/now/table/change_request",
      {},
    );
    const { result } = (await created!.json()) as {
      result: { sys_id: string };
    };
    await sim.handle(
      new Request(
        `${BASE}/api/now/attachment/file?table_name=change_request&table_sys_id=${result.sys_id}&file_name=e.json`,
        {
          method: "POST",
          headers: { Authorization: auth, "Content-Type": "application/json" },
          body: "{}",
        },
      ),
    );
    const stateNow = async (): Promise<string | undefined> => {
      const listed = await call(
        sim,
        "GET",
        `/api/now/attachment?sysparm_query=table_sys_id=${result.sys_id}`,
      );
      const body = (await listed!.json()) as { result: { state: string }[] };
      return body.result[0]?.state;
    };

    const early: (string | undefined)[] = [];
    for (let i = 0; i < 4; i += 1) early.push(await stateNow());
    nowMs += 30_000;
    const later = await stateNow();

    expect(early).toEqual(["pending", "pending", "pending", "pending"]);
    expect(later).toBe("available");
  });

  it("leaves requests outside ServiceNow's paths to other systems", async () => {
    const sim = new ServiceNowSimulator({ baseUrl: BASE });

    expect(
      await sim.handle(new Request(`${BASE}/rest/api/3/issue`)),
    ).toBeNull();
  });
});
