import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../../src/domain/errors.js";
import { HealthTracker } from "../../../src/http/health.js";
import { Metrics } from "../../../src/http/metrics.js";
import {
  startHttpServer,
  type HttpLimits,
  type Route,
  type RunningHttpServer,
} from "../../../src/http/server.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

let running: RunningHttpServer | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(
  options: {
    ready?: boolean;
    routes?: Route[];
    maxBodyBytes?: number;
    limits?: Partial<HttpLimits>;
  } = {},
) {
  const health = new HealthTracker(() => new Date("2025-01-01T00:00:00Z"));
  const metrics = new Metrics();
  const logger = new MemoryLogger();
  running = await startHttpServer({
    host: "127.0.0.1",
    port: 0,
    health: () => health.report(),
    ready: () => options.ready ?? true,
    metrics,
    logger,
    routes: options.routes ?? [],
    ...(options.maxBodyBytes === undefined
      ? {}
      : { maxBodyBytes: options.maxBodyBytes }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  return { url: running.url, health, metrics, logger };
}

interface RawConnection {
  socket: Socket;
  received(): string;
  /** Settles when the server closes the connection (or it fails). */
  closed: Promise<void>;
}

/** A bare TCP connection, to send a request in pieces the way fetch never would. */
async function rawConnection(url: string): Promise<RawConnection> {
  const { port } = new URL(url);
  const socket = connect(Number(port), "127.0.0.1");
  let text = "";
  socket.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  const closed = new Promise<void>((resolve) => {
    socket.once("close", () => resolve());
  });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  return { socket, received: () => text, closed };
}

/** Polls until `check` holds; bounded by attempts, not a timing assertion. */
async function eventually(check: () => boolean, attempts = 200) {
  for (let i = 0; i < attempts && !check(); i += 1) await sleep(10);
  return check();
}

const acceptAll = (calls: string[]): Route => ({
  method: "POST",
  path: "/hook",
  handler: (_req, raw) => {
    calls.push(raw.toString("utf8"));
    return { status: 202 };
  },
});

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

  it("logs each refusal as http.rejected with status, method and path only", async () => {
    const { url, logger } = await start({
      maxBodyBytes: 10,
      routes: [acceptAll([])],
    });

    await fetch(`${url}/nope?token=query-canary`, {
      headers: { authorization: "Bearer header-canary" },
    });
    await fetch(`${url}/hook`);
    await fetch(`${url}/hook`, { method: "POST", body: "body-canary-long" });

    const rejected = logger.lines.filter((l) => l.event === "http.rejected");
    expect(rejected.map((l) => l.fields)).toEqual([
      { status: 404, method: "GET", path: "/nope" },
      { status: 405, method: "GET", path: "/hook" },
      { status: 413, method: "POST", path: "/hook" },
    ]);
    expect(logger.text()).not.toMatch(/canary/);
  });

  it("answers 413 on a declared Content-Length over the limit without reading the body", async () => {
    const calls: string[] = [];
    const { url } = await start({
      maxBodyBytes: 10,
      routes: [acceptAll(calls)],
    });
    const raw = await rawConnection(url);

    // Headers only: the million bytes announced are never sent.
    raw.socket.write(
      "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        "Content-Type: application/json\r\nContent-Length: 1000000\r\n\r\n",
    );
    await raw.closed;

    expect(raw.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw.received().toLowerCase()).toContain("connection: close");
    expect(calls).toEqual([]);
  });

  it("stops reading a chunked body once it passes the limit and closes the connection", async () => {
    const calls: string[] = [];
    const { url } = await start({
      maxBodyBytes: 10,
      routes: [acceptAll(calls)],
    });
    const raw = await rawConnection(url);

    raw.socket.write(
      "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n14\r\n" +
        "x".repeat(20) +
        "\r\n",
    );
    // The body never ends: only the server can close this connection.
    await raw.closed;

    expect(raw.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(calls).toEqual([]);
  });

  it("cuts off a body that trickles in with 408 before the handler runs", async () => {
    const calls: string[] = [];
    const { url, logger } = await start({
      routes: [acceptAll(calls)],
      limits: { bodyTimeoutMs: 100 },
    });
    const raw = await rawConnection(url);
    let closed = false;
    void raw.closed.then(() => {
      closed = true;
    });

    raw.socket.write(
      "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 400\r\n\r\n",
    );
    // One byte every 20 ms would take 8 s for the whole body; bounded either way.
    for (let sent = 0; sent < 400 && !closed; sent += 1) {
      raw.socket.write("x");
      await sleep(20);
    }
    await raw.closed;

    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(calls).toEqual([]);
    expect(
      logger.lines.find((l) => l.event === "http.rejected")?.fields,
    ).toEqual({ status: 408, method: "POST", path: "/hook" });
  });

  it("cuts off headers that trickle in", async () => {
    const { url } = await start({
      limits: { headersTimeoutMs: 100, requestTimeoutMs: 100 },
    });
    const raw = await rawConnection(url);
    let closed = false;
    void raw.closed.then(() => {
      closed = true;
    });

    raw.socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (let sent = 0; sent < 400 && !closed; sent += 1) {
      raw.socket.write(`X-Slow-${sent}: 1\r\n`);
      await sleep(20);
    }
    await raw.closed;

    expect(raw.received()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it("closes connections beyond maxConnections as they arrive", async () => {
    const { url } = await start({ limits: { maxConnections: 1 } });
    const ask = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const first = await rawConnection(url);
    first.socket.write(ask);
    // Answered, so counted; keep-alive holds it open.
    const counted = await eventually(() => first.received().includes("200"));

    const second = await rawConnection(url);
    second.socket.write(ask);
    await second.closed;
    first.socket.destroy();

    expect(counted).toBe(true);
    expect(second.received()).toBe("");
  });

  it("logs a client that goes away mid-body as http.client_aborted, not as a failure", async () => {
    const calls: string[] = [];
    const { url, logger } = await start({ routes: [acceptAll(calls)] });
    const raw = await rawConnection(url);

    raw.socket.write(
      'POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"a":',
    );
    await sleep(50);
    raw.socket.destroy();
    const logged = await eventually(() =>
      logger.events().includes("http.client_aborted"),
    );

    expect(logged).toBe(true);
    expect(logger.lines.find((l) => l.event === "http.client_aborted")).toEqual(
      {
        level: "info",
        event: "http.client_aborted",
        fields: { method: "POST", path: "/hook" },
      },
    );
    expect(logger.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(calls).toEqual([]);
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
