import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { openCloseloop } from "../../../src/container/index.js";
import type { Closeloop } from "../../../src/container/index.js";
import { fingerprintOf } from "../../helpers/fakes/findings.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";
import { startDaemonHarness, type Daemon } from "./harness.js";

let daemon: Daemon | undefined;
let loop: Closeloop | undefined;
afterEach(async () => {
  await loop?.close();
  await daemon?.close();
  loop = undefined;
  daemon = undefined;
});

const MINUTE = 60_000;

describe("a hibernating ServiceNow instance in the loop (BR-06)", () => {
  it("keeps the pending create queued, changes no state and reports the instance hibernating", async () => {
    daemon = await startDaemonHarness();
    let offsetMs = 0;
    const clock = () => new Date(Date.now() + offsetMs);
    const waiting = await daemon.ingestCertificateFinding();
    loop = await openCloseloop(loadConfig(daemon.configPath, daemon.env), {
      env: daemon.env,
      logger: new MemoryLogger(),
      clock,
    });
    await loop.engine.runOnce();
    const pending = { ...waiting, fingerprint: fingerprintOf("br06-pending") };
    await loop.engine.ingest([{ finding: pending, secret: null }]);
    const waitingBefore = await loop.store.getFinding(waiting.fingerprint);
    const changesBefore = daemon.servicenow.store
      .rows("change_request")
      .map((r) => ({ ...r }));
    const approvalsBefore = daemon.servicenow.store.rows(
      "sysapproval_approver",
    );

    daemon.servicenow.faults.hibernate();
    const asleepAt = clock().getTime();
    await loop.engine.runOnce();
    const afterFirst = await loop.store.getFinding(pending.fingerprint);
    const requestsAfterFirst = daemon.servicenow.requests.length;
    offsetMs += 30_000;
    await loop.engine.runOnce();
    const health = loop.health.report();
    const afterSecond = await loop.store.getFinding(pending.fingerprint);
    const waitingAfter = await loop.store.getFinding(waiting.fingerprint);

    expect(waitingBefore?.state).toBe("awaiting_approval");
    expect(waitingAfter?.state).toBe("awaiting_approval");
    expect(waitingAfter?.finding).toEqual(waitingBefore?.finding);
    expect(daemon.servicenow.store.rows("change_request")).toEqual(
      changesBefore,
    );
    expect(daemon.servicenow.store.rows("sysapproval_approver")).toEqual(
      approvalsBefore,
    );
    // The create is journaled as pending with no ITSM record: queued, not dropped.
    expect(await loop.store.listTickets(pending.fingerprint)).toMatchObject([
      { lifecycle: "pending", ref: null, instance: "snow" },
    ]);
    expect(afterFirst?.reason).toContain("INSTANCE_UNAVAILABLE");
    expect(afterSecond?.state).toBe(afterFirst?.state);
    expect(afterSecond?.dueAt).toBe(afterFirst?.dueAt);
    expect(
      Date.parse(afterFirst?.dueAt ?? "") - asleepAt,
    ).toBeGreaterThanOrEqual(MINUTE);
    // The second pass, before the backoff ends, asks nothing for the queued create.
    expect(
      daemon.servicenow.requests
        .slice(requestsAfterFirst)
        .map((r) => new URLSearchParams(r.search).get("sysparm_query") ?? "")
        .filter((q) => q.startsWith("correlation_id=")),
    ).toEqual([]);
    expect(health.status).toBe("degraded");
    expect(health.itsm.snow?.state).toBe("hibernating");

    daemon.servicenow.faults.hibernate(false);
    offsetMs += Date.parse(afterFirst?.dueAt ?? "") - clock().getTime() + 1;
    await loop.engine.runOnce();

    const [ticket] = await loop.store.listTickets(pending.fingerprint);
    expect((await loop.store.getFinding(pending.fingerprint))?.state).toBe(
      "awaiting_approval",
    );
    expect(ticket?.ref?.key).toMatch(/^CHG/);
    expect(daemon.servicenow.store.rows("change_request")).toHaveLength(2);
    expect(loop.health.report().itsm.snow?.state).toBe("ok");
  });
});
