import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SANDBOX_PASSWORD } from "../../../src/sandbox/servicenow/index.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness, SNOW_URL } from "./real-itsm.js";

/** A change manager's PATCH through the Table API, as `admin`. */
async function patchAsAdmin(
  h: RealItsmHarness,
  id: string,
  body: Record<string, string>,
): Promise<number> {
  const basic = Buffer.from(`admin:${DEFAULT_SANDBOX_PASSWORD}`).toString(
    "base64",
  );
  const response = await h.snow.handle(
    new Request(`${SNOW_URL}/api/now/table/change_request/${id}`, {
      method: "PATCH",
      headers: {
        Authorization: `Basic ${basic}`,
        "Content-Type": "application/json",
        Accept: "application/json",
      },
      body: JSON.stringify(body),
    }),
  );
  return response?.status ?? 0;
}

describe("the gate on a ServiceNow change's state", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("acts on no approval while the change is on hold, and closes it once the hold is lifted", async () => {
    h = await new RealItsmHarness(["snow"], undefined, {
      attachmentReadyAfterReads: 0,
    }).start();
    const rec = makeRecord("snow-on-hold");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [ticket] = await h.store.listTickets(fp);
    const id = ticket!.ref!.id;
    const hold = await patchAsAdmin(h, id, {
      on_hold: "true",
      on_hold_reason: "change freeze",
    });
    h.snow.decide(id, "cab.alice", "approved", "ok, after the freeze");

    await h.settle();
    const held = await h.store.getFinding(fp);
    const changeWhileHeld = { ...h.snow.store.get("change_request", id) };
    const actionsWhileHeld = h.target.executeCalls.length;
    const lift = await patchAsAdmin(h, id, { on_hold: "false" });
    await h.settle();

    expect(hold).toBe(200);
    expect(changeWhileHeld).toMatchObject({
      state: "-3",
      approval: "approved",
    });
    expect(held?.state).toBe("awaiting_approval");
    expect(held?.reason).toMatch(/^ON_HOLD: /);
    expect(actionsWhileHeld).toBe(0);
    expect(lift).toBe(200);
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(h.target.executeCalls.length).toBeGreaterThan(0);
    expect(h.snow.store.get("change_request", id)?.state).toBe("3");
  });
});
