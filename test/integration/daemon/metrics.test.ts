import { afterEach, describe, expect, it } from "vitest";
import { eventually as waitFor } from "../../helpers/eventually.js";
import { metricTotal as total } from "../../helpers/metrics-text.js";
import { startDaemonHarness, type Daemon } from "./harness.js";

/** The loop through the daemon takes longer than one webhook: 15 s of polling at most. */
const eventually = <T>(check: () => Promise<T | undefined> | T | undefined) =>
  waitFor(check, 150);

let daemon: Daemon | undefined;
let stop: AbortController | undefined;
afterEach(async () => {
  stop?.abort();
  await daemon?.close();
  daemon = undefined;
});

describe("closeloop run serves /metrics fed by the whole loop", () => {
  it("shows the revocation time, the actions, the ServiceNow requests and a 429 after a finding closes", async () => {
    // Passes every second: the evidence check comes back without a webhook to wake it.
    daemon = await startDaemonHarness({ pollIntervalMs: 1_000 });
    const finding = await daemon.ingestCertificateFinding();
    // The first request of the daemon is answered 429; the client waits and asks again.
    daemon.servicenow.faults.force429([{ retryAfter: "0" }]);
    stop = new AbortController();
    const running = daemon.cliStarted(["run"], stop.signal);
    const started = await eventually(() => {
      const line = running.io
        .stdout()
        .split("\n")
        .find((l) => l.includes('"daemon.started"'));
      return line === undefined
        ? undefined
        : (JSON.parse(line) as { http: string });
    });
    const row = await eventually(async () => {
      const [r] = await daemon!.status();
      return r?.state === "awaiting_approval" ? r : undefined;
    });
    const change = row.tickets[0]?.key ?? "";
    const waiting = await eventually(async () => {
      const scraped = await (await fetch(`${started.http}/metrics`)).text();
      return scraped.includes("closeloop_open_tickets_without_evidence{")
        ? scraped
        : undefined;
    });

    await daemon.approve(change);
    // The gauge is set at the end of a pass: the closing pass brings it back to 0.
    const text = await eventually(async () => {
      const [r] = await daemon!.status();
      if (r?.state !== "closed") return undefined;
      const scraped = await (await fetch(`${started.http}/metrics`)).text();
      const open = total(scraped, "closeloop_open_tickets_without_evidence", {
        instance: "snow",
      });
      return open === 0 ? scraped : undefined;
    });
    stop.abort();
    const code = await running.done;

    expect(code).toBe(0);
    expect(
      total(waiting, "closeloop_open_tickets_without_evidence", {
        instance: "snow",
      }),
    ).toBe(0);
    expect(
      total(text, "closeloop_detection_to_revocation_seconds_count", {
        target: "cert-runbook",
      }),
    ).toBe(1);
    expect(
      total(text, "closeloop_actions_total", {
        target: "cert-runbook",
        outcome: "done",
      }),
    ).toBeGreaterThan(0);
    expect(
      total(text, "closeloop_itsm_requests_total", {
        instance: "snow",
        status: "200",
      }),
    ).toBeGreaterThan(0);
    expect(
      total(text, "closeloop_itsm_rate_limited_total", { instance: "snow" }),
    ).toBe(1);
    expect(text).not.toContain(finding.fingerprint);
    expect(text).not.toContain(change);
    expect(text).not.toContain(daemon.env["SNOW_PASSWORD"] ?? "?");
  });
});
