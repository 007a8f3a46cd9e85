import { afterEach, describe, expect, it } from "vitest";
import { Metrics } from "../../../src/http/metrics.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";
import { RealItsmHarness } from "./real-itsm.js";

/** The value of one sample line of the Prometheus text, or undefined when absent. */
function sample(text: string, line: string): number | undefined {
  const found = text.split("\n").find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.split(" ").pop());
}

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
      sample(text, 'closeloop_actions_total{target="pg-test",outcome="done"}'),
    ).toBe(4);
    expect(
      sample(text, "closeloop_detection_to_revocation_seconds_count"),
    ).toBe(1);
    // The still-valid finding's change ran and stays open without evidence.
    expect(sample(text, "closeloop_open_tickets_without_evidence")).toBe(1);
  });

  it("counts every ITSM request by instance and status, and the 429s apart", async () => {
    real = await new RealItsmHarness(["snow", "jira"]).start();
    real.snow.faults.force429([{ retryAfter: "1" }]);
    await real.engine.ingest([makeRecord("m-http")]);
    await real.engine.runOnce();

    const text = await real.metrics.render();
    expect(
      sample(
        text,
        'closeloop_itsm_requests_total{instance="snow",status="200"}',
      ),
    ).toBeGreaterThan(0);
    expect(
      sample(
        text,
        'closeloop_itsm_requests_total{instance="jira",status="200"}',
      ),
    ).toBeGreaterThan(0);
    expect(
      sample(
        text,
        'closeloop_itsm_requests_total{instance="snow",status="429"}',
      ),
    ).toBe(1);
    expect(
      sample(text, 'closeloop_itsm_rate_limited_total{instance="snow"}'),
    ).toBe(1);
  });
});
