import { afterEach, describe, expect, it } from "vitest";
import { Metrics } from "../../../src/http/metrics.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { metricTotal as total } from "../../helpers/metrics-text.js";
import { CAB, Harness } from "./harness.js";
import { RealItsmHarness } from "./real-itsm.js";

const HOUR = 3_600_000;

describe("metrics fed by the engine and the ITSM adapters", () => {
  let h: Harness | undefined;
  let real: RealItsmHarness | undefined;
  afterEach(async () => {
    await h?.dispose();
    await real?.dispose();
    h = undefined;
    real = undefined;
  });

  it("counts actions by outcome, the time to verified revocation and tickets without evidence", async () => {
    const metrics = new Metrics();
    h = new Harness();
    h.metrics = metrics;
    await h.start();
    const done = makeRecord("m-done");
    const stuck = makeRecord("m-stuck");
    await h.engine.ingest([done, stuck]);
    await h.settle();
    h.target.probeScript.push("invalid", "valid");
    h.itsm.approve(done.finding.fingerprint, CAB);
    await h.settle();
    h.itsm.approve(stuck.finding.fingerprint, CAB);
    await h.settle();

    const text = await metrics.render();
    expect(await h.stateOf(done.finding.fingerprint)).toBe("closed");
    expect(await h.stateOf(stuck.finding.fingerprint)).toBe("still_valid");
    expect(
      total(text, "closeloop_actions_total", {
        target: "pg-test",
        outcome: "done",
      }),
    ).toBe(4);
    expect(
      total(text, "closeloop_detection_to_revocation_seconds_count", {
        target: "pg-test",
      }),
    ).toBe(1);
    // The still-valid finding's change ran and stays open without evidence.
    expect(
      total(text, "closeloop_open_tickets_without_evidence", {
        instance: "snow-test",
      }),
    ).toBe(1);
  });

  it("counts already_done and failed outcomes as the target answers them", async () => {
    const metrics = new Metrics();
    h = new Harness();
    h.metrics = metrics;
    await h.start();
    const rec = makeRecord("m-mixed");
    h.target.effects.add("svc_m-mixed/a1");
    h.target.failingActions.add("a2");
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(rec.finding.fingerprint, CAB);
    await h.settle();

    const text = await metrics.render();
    const outcome = (o: string) =>
      total(text, "closeloop_actions_total", { target: "pg-test", outcome: o });
    expect(await h.stateOf(rec.finding.fingerprint)).toBe("action_failed");
    expect(outcome("already_done")).toBe(1);
    expect(outcome("failed")).toBe(1);
    expect(outcome("done")).toBe(0);
    expect(total(text, "closeloop_detection_to_revocation_seconds_count")).toBe(
      0,
    );
  });

  it("counts tickets without evidence from the store again after a restart", async () => {
    h = new Harness();
    h.metrics = new Metrics();
    await h.start();
    const rec = makeRecord("m-restart");
    await h.engine.ingest([rec]);
    await h.settle();
    h.target.probeScript.push("valid");
    h.itsm.approve(rec.finding.fingerprint, CAB);
    await h.settle();

    const fresh = new Metrics();
    h.metrics = fresh;
    await h.restart();
    const before = await fresh.render();
    await h.engine.runOnce();
    const after = await fresh.render();

    expect(await h.stateOf(rec.finding.fingerprint)).toBe("still_valid");
    // Nothing is reported before the first pass has read the store: no false zero.
    expect(before).not.toMatch(/^closeloop_open_tickets_without_evidence\{/m);
    expect(
      total(after, "closeloop_open_tickets_without_evidence", {
        instance: "snow-test",
      }),
    ).toBe(1);
  });

  it("follows one ServiceNow change: the gauge goes to 1, then to 0 once the evidence is read back", async () => {
    // Pending for more reads than one pass makes: the close step has to come back.
    real = await new RealItsmHarness(["snow"], undefined, {
      attachmentReadyAfterReads: 32,
    }).start();
    const rec = makeRecord("m-loop");
    const fp = rec.finding.fingerprint;
    await real.engine.ingest([rec]);
    await real.settle();
    const [change] = await real.store.listTickets(fp);
    const gauge = async () =>
      total(
        await real!.metrics.render(),
        "closeloop_open_tickets_without_evidence",
        { instance: "snow" },
      );
    const waiting = await gauge();

    real.snow.decide(change!.ref!.id, "cab.alice", "approved", "CAB ok");
    const seen: number[] = [];
    let verifiedAt = "";
    // Bounded by passes: each reads the pending attachment a few times until it is ready.
    for (let pass = 0; pass < 40; pass += 1) {
      real.clock.advance(HOUR);
      await real.engine.runOnce();
      seen.push(await gauge());
      const state = (await real.store.getFinding(fp))?.state;
      if (verifiedAt === "" && state === "evidence")
        verifiedAt = real.clock.iso();
      if (state === "closed") break;
    }
    const text = await real.metrics.render();

    expect(await real.store.getFinding(fp)).toMatchObject({ state: "closed" });
    expect(waiting).toBe(0);
    expect(seen.slice(0, -1)).toContain(1);
    expect(seen.at(-1)).toBe(0);
    expect(
      total(text, "closeloop_detection_to_revocation_seconds_count", {
        target: "pg-test",
      }),
    ).toBe(1);
    expect(
      total(text, "closeloop_detection_to_revocation_seconds_sum", {
        target: "pg-test",
      }),
    ).toBe(
      (Date.parse(verifiedAt) - Date.parse(rec.finding.detectedAt)) / 1000,
    );
    expect(
      total(text, "closeloop_actions_total", {
        target: "pg-test",
        outcome: "done",
      }),
    ).toBe(2);
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "snow",
        method: "POST",
        status: "201",
      }),
    ).toBeGreaterThan(0);
    // Every request the instance saw is counted, once.
    expect(
      total(text, "closeloop_itsm_requests_total", { instance: "snow" }),
    ).toBe(real.snow.requests.length);
    expect(text).not.toContain(fp);
    expect(text).not.toContain(change!.ref!.key);
    expect(text).not.toContain(change!.ref!.id);
  });

  it("counts every 429 of the simulator's rate limit", async () => {
    real = await new RealItsmHarness(["snow"], undefined, {
      rateLimit: { limit: 3, windowMs: HOUR },
    }).start();
    await real.engine.ingest([makeRecord("m-limited")]);

    await real.engine.runOnce();
    const text = await real.metrics.render();
    const limited = real.snow.requests.length - 3;

    expect(limited).toBeGreaterThan(0);
    expect(
      total(text, "closeloop_itsm_rate_limited_total", { instance: "snow" }),
    ).toBe(limited);
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "snow",
        status: "429",
      }),
    ).toBe(limited);
    expect(
      total(text, "closeloop_itsm_requests_total", { instance: "snow" }),
    ).toBe(real.snow.requests.length);
  });

  it("counts every ITSM request by instance, method and status, and the 429s apart", async () => {
    real = await new RealItsmHarness(["snow", "jira"]).start();
    real.snow.faults.force429([{ retryAfter: "1" }]);
    await real.engine.ingest([makeRecord("m-http")]);
    await real.engine.runOnce();

    const text = await real.metrics.render();
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "snow",
        status: "200",
      }),
    ).toBeGreaterThan(0);
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "jira",
        method: "POST",
        status: "201",
      }),
    ).toBeGreaterThan(0);
    expect(
      total(text, "closeloop_itsm_requests_total", { instance: "jira" }),
    ).toBe(real.jira.requests.length);
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "snow",
        status: "429",
      }),
    ).toBe(1);
    expect(
      total(text, "closeloop_itsm_rate_limited_total", { instance: "snow" }),
    ).toBe(1);
  });
});
