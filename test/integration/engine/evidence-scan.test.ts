import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

const SCAN_MS = 60 * 60 * 1000;

describe("evidence still being scanned by ServiceNow", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("keeps the change open while the attachment is pending and closes it once the scan ends", async () => {
    // The instance's clock: real time plus what the test adds, so the scan ends only when told.
    let skewMs = 0;
    h = await new RealItsmHarness(["snow"], undefined, {
      attachmentScanMs: SCAN_MS,
      now: () => new Date(Date.now() + skewMs),
    }).start();
    const rec = makeRecord("snow-pending-scan");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [ticket] = await h.store.listTickets(fp);
    const changeId = ticket!.ref!.id;
    h.snow.decide(changeId, "cab.alice", "approved", "ok");

    await h.settle();
    const waiting = await h.store.getFinding(fp);
    const pendingReads = h.snow.requests.filter(
      (r) => r.method === "GET" && r.path === "/api/now/attachment",
    ).length;
    const changeWhilePending = {
      ...h.snow.store.get("change_request", changeId),
    };
    skewMs = SCAN_MS;
    await h.settle();

    expect(h.snow.attachments.all()).toHaveLength(1);
    expect(waiting?.state).not.toBe("closed");
    expect(waiting?.reason).toBe("evidence pending");
    expect(pendingReads).toBeGreaterThan(2);
    expect(changeWhilePending.state).toBe("0");
    expect((await h.store.getFinding(fp))?.state).toBe("closed");
    expect(h.snow.store.get("change_request", changeId)).toMatchObject({
      state: "3",
      close_code: "successful",
    });
    expect(h.snow.attachments.all()[0]?.meta.state).toBe("available");
  });
});
