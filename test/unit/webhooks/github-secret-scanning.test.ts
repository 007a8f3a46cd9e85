import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { createGithubAlertWebhookReceiver } from "../../../src/http/webhooks/github/index.js";
import { signSha256 } from "../../../src/http/webhooks/signature.js";
import type { IngestRecord } from "../../../src/ingest/types.js";
import {
  alertWebhookPayload,
  makeAlert,
} from "../../../src/sandbox/github-alerts/index.js";
import { MemoryLogger } from "../../helpers/fakes/memory-logger.js";

const HOOK_SECRET = new SecretValue("hook-secret-made-up-for-tests-0002");
const LEAKED = "ghp_NotARealTokenButLooksLikeOne000000000";
const alert = makeAlert({ repository: "acme/api", number: 9 });
const EXAMPLE = fileURLToPath(
  new URL(
    "../../fixtures/findings/github-secret-scanning/reopened.payload.json",
    import.meta.url,
  ),
);

function setup() {
  const received: IngestRecord[] = [];
  const logger = new MemoryLogger();
  const receive = createGithubAlertWebhookReceiver({
    secret: HOOK_SECRET,
    logger,
    onFindings: (records) => {
      received.push(...records);
    },
  });
  const send = (payload: unknown, headers: Record<string, string> = {}) => {
    const raw = Buffer.from(JSON.stringify(payload));
    const req = new IncomingMessage(new Socket());
    req.headers = {
      "content-type": "application/json",
      "x-github-event": "secret_scanning_alert",
      "x-hub-signature-256": signSha256(raw, HOOK_SECRET),
      ...headers,
    };
    return receive(req, raw);
  };
  return { received, logger, send };
}

describe("the secret_scanning_alert webhook's checks", () => {
  it("refuses a signed alert of nonsense with 400 naming each field, never the secret", async () => {
    const { received, logger, send } = setup();

    const result = await send({
      action: "created",
      alert: {
        number: -1,
        secret_type: "",
        secret: LEAKED,
        created_at: "garbage",
      },
      repository: { full_name: "" },
    });

    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      error: "payload",
      fields: [
        "alert.number",
        "alert.secret_type",
        "alert.created_at",
        "repository.full_name",
      ],
    });
    expect(received).toEqual([]);
    expect(JSON.stringify(result.body)).not.toContain(LEAKED);
    expect(logger.text()).not.toContain(LEAKED);
    expect(logger.events()).toContain("webhook.rejected");
  });

  it("refuses an action GitHub does not send and a repository that is not owner/name", async () => {
    const { received, send } = setup();
    const payload = alertWebhookPayload("created", alert);

    const action = await send({ ...payload, action: "exploded" });
    const repository = await send({
      ...payload,
      repository: { full_name: "acme" },
    });

    expect(action.body).toEqual({ error: "payload", fields: ["action"] });
    expect(repository.body).toEqual({
      error: "payload",
      fields: ["repository.full_name"],
    });
    expect(received).toEqual([]);
  });

  it("takes GitHub's own example payload and dates with an offset", async () => {
    const { received, send } = setup();
    const example: unknown = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    const created = alertWebhookPayload("created", alert);

    const fixture = await send(example, { "x-github-delivery": "g-1" });
    const dated = await send(
      {
        ...created,
        alert: {
          ...(created["alert"] as object),
          created_at: "2026-03-01T10:00:00+01:00",
        },
      },
      { "x-github-delivery": "g-2" },
    );

    expect([fixture.status, dated.status]).toEqual([202, 202]);
    expect(received).toHaveLength(2);
  });

  it("ingests a replayed body once, whatever X-GitHub-Delivery says", async () => {
    const { received, logger, send } = setup();
    const payload = alertWebhookPayload("created", alert);

    const first = await send(payload, { "x-github-delivery": "d-1" });
    const bare = await send(payload);
    const renamed = await send(payload, { "x-github-delivery": "d-forged" });

    expect(first.status).toBe(202);
    expect(bare).toEqual({ status: 200, body: { ignored: "duplicate" } });
    expect(renamed).toEqual({ status: 200, body: { ignored: "duplicate" } });
    expect(received).toHaveLength(1);
    expect(
      logger.lines.filter(
        (l) =>
          l.event === "webhook.ignored" &&
          l.level === "info" &&
          l.fields["reason"] === "duplicate",
      ),
    ).toHaveLength(2);
  });

  it("does not reopen a resolved alert when the old created delivery is replayed", async () => {
    const { received, send } = setup();
    const created = alertWebhookPayload("created", alert);
    const resolved = alertWebhookPayload("resolved", {
      ...alert,
      resolved_at: "2026-03-02T09:00:00Z",
    });

    await send(created, { "x-github-delivery": "d-1" });
    await send(resolved, { "x-github-delivery": "d-2" });
    const replay = await send(created, { "x-github-delivery": "d-3" });

    expect(replay.body).toEqual({ ignored: "duplicate" });
    expect(received.map((r) => r.finding.status)).toEqual(["open", "resolved"]);
  });

  it("answers 415 to a signed body that is not sent as JSON", async () => {
    const { received, send } = setup();

    const form = await send(alertWebhookPayload("created", alert), {
      "content-type": "application/x-www-form-urlencoded",
    });

    expect(form.status).toBe(415);
    expect(received).toEqual([]);
  });
});
