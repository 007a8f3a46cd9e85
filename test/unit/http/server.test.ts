import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../../src/domain/errors.js";
import { HealthTracker } from "../../../src/http/health.js";
import { Metrics } from "../../../src/http/metrics.js";
import {
  startHttpServer,
  type Route,
  type RunningHttpServer,
} from "../../../src/http/server.js";

let running: RunningHttpServer | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(
  options: { ready?: boolean; routes?: Route[]; maxBodyBytes?: number } = {},
) {
  const health = new HealthTracker(() => new Date("2025-01-01T00:00:00Z"));
  const metrics = new Metrics();
  running = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    health: () => health.report(),
    ready: () => options.ready ?? true,
    metrics,
    routes: options.routes ?? [],
    ...(options.maxBodyBytes === undefined
      ? {}
      : { maxBodyBytes: options.maxBodyBytes }),
  });
  return { url: running.url, health, metrics };
}

describe("startHttpServer", () => {
  it("reports a hibernating ITSM instance on /healthz as degraded", async () => {
    const { url, health } = await start();
    health.itsm("snow-dev", "hibernating", "html page with status 200");
    health.itsm("jira-cloud", "ok");

    const res = await fetch(`${url}/healthz`);

    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "degraded",
      itsm: {
        "snow-dev": {
          state: "hibernating",
          detail: "html page with status 200",
        },
        "jira-cloud": { state: "ok" },
      },
    });
  });

  it("answers /readyz with 503 until the daemon is ready", async () => {
    const { url } = await start({ ready: false });

    const res = await fetch(`${url}/readyz`);

    expect(res.status).toBe(503);
  });

  it("serves the Prometheus metrics others record", async () => {
    const { url, metrics } = await start();
    metrics.actionExecuted("pg-prod", "done");
    metrics.itsmRequest("snow-prod", "POST", 201);
    metrics.itsmRequest("snow-prod", "GET", 429);
    metrics.openTicketsWithoutEvidence(new Map([["snow-prod", 2]]));
    metrics.revocationVerified(
      "pg-prod",
      "2025-01-01T00:00:00Z",
      new Date("2025-01-01T00:10:00Z"),
    );

    const res = await fetch(`${url}/metrics`);
    const text = await res.text();

    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(text).toContain(
      'closeloop_actions_total{target="pg-prod",outcome="done"} 1',
    );
    expect(text).toContain(
      'closeloop_itsm_requests_total{instance="snow-prod",method="GET",status="429"} 1',
    );
    expect(text).toContain(
      'closeloop_itsm_rate_limited_total{instance="snow-prod"} 1',
    );
    expect(text).toContain(
      'closeloop_open_tickets_without_evidence{instance="snow-prod"} 2',
    );
    expect(text).toContain(
      'closeloop_detection_to_revocation_seconds_sum{target="pg-prod"} 600',
    );
  });

  it("hands a plugged-in route the raw body", async () => {
    let seen = "";
    const { url } = await start({
      routes: [
        {
          method: "POST",
          path: "/webhooks/jira",
          handler: (_req, raw) => {
            seen = raw.toString("utf8");
            return { status: 202, body: { accepted: true } };
          },
        },
      ],
    });

    const res = await fetch(`${url}/webhooks/jira`, {
      method: "POST",
      body: '{"webhookEvent":"jira:issue_updated"}',
    });

    expect(res.status).toBe(202);
    expect(seen).toBe('{"webhookEvent":"jira:issue_updated"}');
  });

  it("refuses unknown paths, wrong methods and oversized bodies", async () => {
    const handler = () => ({ status: 200 });
    const { url } = await start({
      maxBodyBytes: 10,
      routes: [{ method: "POST", path: "/hook", handler }],
    });

    const missing = await fetch(`${url}/nope`);
    const wrongMethod = await fetch(`${url}/hook`);
    const tooBig = await fetch(`${url}/hook`, {
      method: "POST",
      body: "x".repeat(100),
    });

    expect(missing.status).toBe(404);
    expect(wrongMethod.status).toBe(405);
    expect(tooBig.status).toBe(413);
  });

  it("answers 400 for bad input and 500 without detail for other failures", async () => {
    const { url } = await start({
      routes: [
        {
          method: "POST",
          path: "/bad",
          handler: () => {
            throw new InputError("WEBHOOK_SIGNATURE", "signature mismatch");
          },
        },
        {
          method: "POST",
          path: "/boom",
          handler: () => {
            throw new Error("password=hunter2 leaked in a stack");
          },
        },
      ],
    });

    const bad = await fetch(`${url}/bad`, { method: "POST" });
    const boom = await fetch(`${url}/boom`, { method: "POST" });

    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "WEBHOOK_SIGNATURE" });
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain("hunter2");
  });
});
