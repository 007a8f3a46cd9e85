import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { createGithubAlertWebhookReceiver } from "../../../src/http/webhooks/github/index.js";
import { signSha256 } from "../../../src/http/webhooks/signature.js";
import type { IngestRecord } from "../../../src/ingest/types.js";
import {
  fetchGithubAlert,
  githubAlertsSourceSchema,
  pullFindings,
} from "../../../src/ingest/pull/index.js";
import {
  alertWebhookPayload,
  createGithubAlertsSimulator,
  makeAlert,
} from "../../../src/sandbox/github-alerts/index.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";
import {
  GH_BASE,
  GH_TOKEN,
  collect,
  pullDeps,
  readFixture,
} from "./helpers.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const HOOK_SECRET = new SecretValue("hook-secret-made-up-for-tests-0001");
const alert = makeAlert({ repository: "acme/api", number: 9 }, GH_BASE);

function setup(
  extra: { fail?: boolean; fetchAlert?: () => Promise<IngestRecord> } = {},
) {
  const received: IngestRecord[][] = [];
  const logger = new MemoryLogger();
  let failing = extra.fail ?? false;
  const receive = createGithubAlertWebhookReceiver({
    secret: HOOK_SECRET,
    logger,
    onFindings: (records) => {
      if (failing) throw new Error("store down");
      received.push(records);
    },
    ...(extra.fetchAlert ? { fetchAlert: extra.fetchAlert } : {}),
  });
  const send = (
    payload: unknown,
    delivery: string,
    options: { secret?: SecretValue; event?: string } = {},
  ) => {
    const raw = Buffer.from(JSON.stringify(payload));
    const req = new IncomingMessage(new Socket());
    req.headers = {
      "content-type": "application/json",
      "x-hub-signature-256": signSha256(raw, options.secret ?? HOOK_SECRET),
      "x-github-delivery": delivery,
      "x-github-event": options.event ?? "secret_scanning_alert",
    };
    return receive(req, raw);
  };
  const heal = () => {
    failing = false;
  };
  return { received, logger, send, heal };
}

describe("the secret_scanning_alert webhook", () => {
  it("hands on a created alert as open, keyed like the pulled alert", async () => {
    const sim = createGithubAlertsSimulator({
      baseUrl: GH_BASE,
      token: GH_TOKEN,
      alerts: [alert],
    });
    server.use(...sim.handlers());
    const source = githubAlertsSourceSchema.parse({
      kind: "github-secret-scanning",
      baseUrl: GH_BASE,
      owner: "acme",
      repo: "api",
      token: { env: "GH_TOKEN" },
    });
    const [pulled] = await collect(pullFindings(source, pullDeps().deps));
    const { received, send } = setup();

    const result = await send(alertWebhookPayload("created", alert), "d-1");

    expect(result.status).toBe(202);
    expect(received[0]?.[0]?.finding.status).toBe("open");
    expect(received[0]?.[0]?.finding.fingerprint).toBe(
      pulled?.finding.fingerprint,
    );
  });

  it("resolves on resolved and on revoked", async () => {
    const { received, send } = setup();

    await send(alertWebhookPayload("resolved", alert), "d-1");
    await send(alertWebhookPayload("revoked", alert), "d-2");

    expect(received.map((r) => r[0]?.finding.status)).toEqual([
      "resolved",
      "resolved",
    ]);
  });

  it("opens a reopened alert from GitHub's example payload", async () => {
    const payload = readFixture("github-secret-scanning/reopened.payload.json");
    const { received, send } = setup();

    const result = await send(payload, "d-1");

    expect(result.status).toBe(202);
    expect(received[0]?.[0]?.finding.status).toBe("open");
  });

  it("rejects a forged signature with 401 and hands nothing on", async () => {
    const { received, send, logger } = setup();

    const result = await send(alertWebhookPayload("created", alert), "d-1", {
      secret: new SecretValue("not-the-secret"),
    });

    expect(result.status).toBe(401);
    expect(received).toEqual([]);
    expect(logger.events()).toContain("webhook.rejected");
    expect(logger.text()).not.toContain(HOOK_SECRET.reveal());
  });

  it("hands a duplicated delivery on once", async () => {
    const { received, send } = setup();
    const payload = alertWebhookPayload("created", alert);

    const first = await send(payload, "d-1");
    const again = await send(payload, "d-1");

    expect([first.status, again.status]).toEqual([202, 200]);
    expect(received).toHaveLength(1);
  });

  it("accepts the redelivery of a delivery it failed to hand on", async () => {
    const { received, send, heal, logger } = setup({ fail: true });
    const payload = alertWebhookPayload("created", alert);

    const failed = await send(payload, "d-1");
    heal();
    const redelivered = await send(payload, "d-1");

    expect([failed.status, redelivered.status]).toEqual([500, 202]);
    expect(received).toHaveLength(1);
    expect(logger.events()).toContain("webhook.findings_failed");
  });

  it("ignores an action that does not say the state, unless it can re-read", async () => {
    const plain = setup();
    const fetched = { ...alert, state: "resolved" as const };
    const sim = createGithubAlertsSimulator({
      baseUrl: GH_BASE,
      token: GH_TOKEN,
      alerts: [fetched],
    });
    server.use(...sim.handlers());
    const source = githubAlertsSourceSchema.parse({
      kind: "github-secret-scanning",
      baseUrl: GH_BASE,
      owner: "acme",
      token: { env: "GH_TOKEN" },
    });
    const { deps } = pullDeps();
    const rereading = setup({
      fetchAlert: () =>
        fetchGithubAlert(source, deps, { repository: "acme/api", number: 9 }),
    });
    const payload = alertWebhookPayload("validated", alert);

    const ignored = await plain.send(payload, "d-1");
    const accepted = await rereading.send(payload, "d-1");

    expect(ignored.status).toBe(200);
    expect(plain.received).toEqual([]);
    expect(accepted.status).toBe(202);
    expect(rereading.received[0]?.[0]?.finding.status).toBe("resolved");
    expect(sim.requests[0]?.query).toEqual({ hide_secret: "true" });
  });

  it("answers a ping and ignores other events", async () => {
    const { received, send } = setup();

    const ping = await send({ zen: "Keep it simple." }, "d-1", {
      event: "ping",
    });
    const push = await send({ ref: "main" }, "d-2", { event: "push" });

    expect([ping.status, push.status]).toEqual([200, 200]);
    expect(received).toEqual([]);
  });

  it("rejects a signed body that is not an alert payload", async () => {
    const { send } = setup();

    const result = await send({ action: "created" }, "d-1");

    expect(result.status).toBe(400);
  });
});
