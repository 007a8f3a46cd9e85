import { createHmac } from "node:crypto";
import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import {
  createJiraWebhookReceiver,
  createServiceNowWebhookReceiver,
  signSha256,
} from "../../../src/http/webhooks/index.js";
import type { WebhookHint } from "../../../src/http/webhooks/index.js";
import { verifySha256Signature } from "../../../src/http/webhooks/signature.js";
import { recordingLogger } from "../../integration/jira/helpers.js";
import type { RecordedLog } from "../../integration/jira/helpers.js";

const secret = new SecretValue("webhook-shared-secret");
const NOW = Date.parse("2026-10-21T07:28:00Z");

function request(headers: Record<string, string>): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.headers = { "content-type": "application/json", ...headers };
  return req;
}

function jiraSetup() {
  const hints: WebhookHint[] = [];
  const logs: RecordedLog[] = [];
  const receive = createJiraWebhookReceiver({
    instance: "jira-prod",
    secret,
    ownUserId: () => Promise.resolve("712020:closeloop-bot"),
    onHint: (hint) => {
      hints.push(hint);
    },
    logger: recordingLogger(logs),
    now: () => NOW,
  });
  const send = (payload: object, delivery: string, signWith = secret) => {
    const raw = Buffer.from(JSON.stringify(payload));
    const headers = {
      "x-hub-signature": signSha256(raw, signWith),
      "x-atlassian-webhook-identifier": delivery,
    };
    return receive(request(headers), raw);
  };
  /** A signed delivery with only the headers given: no identifier unless named. */
  const sendRaw = (raw: Buffer, headers: Record<string, string> = {}) =>
    receive(
      request({ "x-hub-signature": signSha256(raw, secret), ...headers }),
      raw,
    );
  return { hints, logs, send, sendRaw, receive };
}

const moved = (timestamp: number, accountId = "712020:cab-alice") => ({
  timestamp,
  webhookEvent: "jira:issue_updated",
  user: { accountId },
  issue: { id: "10042", key: "OPS-7" },
  changelog: {
    items: [{ field: "Key", fromString: "SEC-12", toString: "OPS-7" }],
  },
});

describe("Jira webhook receiver", () => {
  it("turns a signed delivery into a hint carrying the issue id (BR-16)", async () => {
    const { hints, send } = jiraSetup();

    const result = await send(moved(NOW - 1000), "d-1");

    expect(result.status).toBe(202);
    expect(hints).toEqual([
      { itsm: "jira", instance: "jira-prod", ticketId: "10042" },
    ]);
  });

  it("rejects a forged signature with 401 and a webhook.rejected event, and acts on nothing", async () => {
    const { hints, logs, send } = jiraSetup();

    const result = await send(
      moved(NOW),
      "d-2",
      new SecretValue("someone-else"),
    );

    expect(result.status).toBe(401);
    expect(hints).toEqual([]);
    expect(logs.map((l) => l.event)).toContain("webhook.rejected");
  });

  it("names the wrong and missing fields of a bad payload, never their values", async () => {
    const { hints, logs, send } = jiraSetup();

    const result = await send(
      { timestamp: "sk_live_not_a_number", issue: { id: "10042" } },
      "d-bad",
    );

    const fields = ["timestamp", "webhookEvent"];
    expect(result).toEqual({
      status: 400,
      body: { error: "payload", fields },
    });
    expect(logs).toContainEqual({
      level: "warn",
      event: "webhook.rejected",
      fields: {
        itsm: "jira",
        instance: "jira-prod",
        reason: "payload",
        fields,
      },
    });
    expect(JSON.stringify(logs)).not.toContain("sk_live_not_a_number");
    expect(hints).toEqual([]);
  });

  it("rejects a delivery without a signature", async () => {
    const { hints, receive } = jiraSetup();

    const result = await receive(
      request({}),
      Buffer.from(JSON.stringify(moved(NOW))),
    );

    expect(result.status).toBe(401);
    expect(hints).toEqual([]);
  });

  it("drops a duplicated delivery identifier", async () => {
    const { hints, send } = jiraSetup();

    await send(moved(NOW), "d-3");
    const again = await send(moved(NOW), "d-3");

    expect(again.body).toEqual({ ignored: "duplicate" });
    expect(hints).toHaveLength(1);
  });

  it("ignores a replayed old delivery and an out-of-order one", async () => {
    const { hints, send } = jiraSetup();

    const replay = await send(moved(NOW - 3 * 60 * 60 * 1000), "d-old");
    await send(moved(NOW - 1000), "d-new");
    const late = await send(moved(NOW - 5000), "d-late");

    expect(replay.body).toEqual({ ignored: "stale" });
    expect(late.body).toEqual({ ignored: "out_of_order" });
    expect(hints).toHaveLength(1);
  });

  it("drops a replayed signed body that has no delivery identifier or a new one", async () => {
    const { hints, logs, sendRaw } = jiraSetup();
    const raw = Buffer.from(JSON.stringify(moved(NOW - 1000)));

    const first = await sendRaw(raw);
    const bare = await sendRaw(raw);
    const renamed = await sendRaw(raw, {
      "x-atlassian-webhook-identifier": "made-up-id",
    });

    expect(first.status).toBe(202);
    expect([bare.status, renamed.status]).toEqual([200, 200]);
    expect(bare.body).toEqual({ ignored: "duplicate" });
    expect(renamed.body).toEqual({ ignored: "duplicate" });
    expect(hints).toHaveLength(1);
    expect(
      logs.filter((l) => l.event === "webhook.ignored" && l.level === "info"),
    ).toHaveLength(2);
  });

  it("takes another event with the same timestamp for the issue as old", async () => {
    const { hints, send } = jiraSetup();
    const comment = {
      ...moved(NOW - 1000),
      webhookEvent: "comment_updated",
    };

    await send(moved(NOW - 1000), "d-a");
    const same = await send(comment, "d-b");

    expect(same.body).toEqual({ ignored: "out_of_order" });
    expect(hints).toHaveLength(1);
  });

  it("answers 415 to a signed body that is not sent as JSON", async () => {
    const { hints, receive } = jiraSetup();
    const raw = Buffer.from(JSON.stringify(moved(NOW)));

    const result = await receive(
      request({
        "content-type": "text/plain",
        "x-hub-signature": signSha256(raw, secret),
      }),
      raw,
    );

    expect(result.status).toBe(415);
    expect(hints).toEqual([]);
  });

  it("ignores the echo of closeloop's own change", async () => {
    const { hints, send } = jiraSetup();

    const result = await send(moved(NOW, "712020:closeloop-bot"), "d-echo");

    expect(result.body).toEqual({ ignored: "echo" });
    expect(hints).toEqual([]);
  });

  it("finds the issue id of a comment event in the comment's self link", async () => {
    const { hints, send } = jiraSetup();
    const payload = {
      timestamp: NOW,
      webhookEvent: "comment_created",
      comment: {
        self: "https://acme.atlassian.net/rest/api/2/issue/26313/comment/31039",
        author: { accountId: "712020:cab-bob" },
      },
    };

    await send(payload, "d-comment");

    expect(hints[0]?.ticketId).toBe("26313");
  });
});

describe("ServiceNow webhook receiver", () => {
  const sysId = "a".repeat(32);
  const setup = () => {
    const hints: WebhookHint[] = [];
    const logs: RecordedLog[] = [];
    let failing = false;
    const receive = createServiceNowWebhookReceiver({
      instance: "snow-prod",
      secret,
      ownUserId: () => Promise.resolve("b".repeat(32)),
      onHint: (hint) => {
        if (failing) throw new Error("engine busy");
        hints.push(hint);
      },
      logger: recordingLogger(logs),
      now: () => NOW,
    });
    const failNext = (value: boolean) => {
      failing = value;
    };
    const body = (modCount: number, updatedOn = "2026-10-21 07:27:30") =>
      Buffer.from(
        JSON.stringify({
          table: "change_request",
          sys_id: sysId,
          sys_mod_count: modCount,
          sys_updated_on: updatedOn,
          updated_by_id: "c".repeat(32),
        }),
      );
    const post = (raw: Buffer, headers: Record<string, string> = {}) =>
      receive(
        request({
          "x-closeloop-signature": signSha256(raw, secret),
          ...headers,
        }),
        raw,
      );
    const send = (modCount: number, updatedBy: string, signWith = secret) => {
      const raw = Buffer.from(
        JSON.stringify({
          table: "change_request",
          sys_id: sysId,
          sys_mod_count: modCount,
          sys_updated_on: "2026-10-21 07:27:30",
          updated_by_id: updatedBy,
        }),
      );
      return receive(
        request({ "x-closeloop-signature": signSha256(raw, signWith) }),
        raw,
      );
    };
    const sendSigned = (
      modCount: number,
      signature: (raw: Buffer) => string,
    ) => {
      const raw = Buffer.from(
        JSON.stringify({
          table: "change_request",
          sys_id: sysId,
          sys_mod_count: modCount,
          sys_updated_on: "2026-10-21 07:27:30",
        }),
      );
      return receive(request({ "x-closeloop-signature": signature(raw) }), raw);
    };
    return { hints, logs, send, sendSigned, body, post, failNext };
  };
  const macOf = (raw: Buffer, key = secret) =>
    createHmac("sha256", key.reveal()).update(raw).digest();

  it("accepts the MAC in base64, as the business rule's generateMac writes it", async () => {
    const { hints, sendSigned } = setup();

    const base64 = await sendSigned(
      1,
      (raw) => `sha256=${macOf(raw).toString("base64")}`,
    );
    const upperHex = await sendSigned(
      2,
      (raw) => `sha256=${macOf(raw).toString("hex").toUpperCase()}`,
    );

    expect(base64.status).toBe(202);
    expect(upperHex.status).toBe(202);
    expect(hints).toHaveLength(2);
  });

  it("rejects a base64 MAC that is wrong, truncated or unpadded", async () => {
    const { hints, sendSigned } = setup();
    const other = new SecretValue("guess");

    const forged = await sendSigned(
      1,
      (raw) => `sha256=${macOf(raw, other).toString("base64")}`,
    );
    const truncated = await sendSigned(
      2,
      (raw) => `sha256=${macOf(raw).toString("base64").slice(0, 40)}`,
    );
    // The old script's fallback: base64 text, but too long to be any MAC in hex.
    const unpadded = await sendSigned(
      3,
      (raw) => `sha256=${macOf(raw).toString("base64").replace(/=$/, "")}`,
    );

    expect([forged.status, truncated.status, unpadded.status]).toEqual([
      401, 401, 401,
    ]);
    expect(hints).toEqual([]);
  });

  it("keeps hex the only form where no other is named (Jira, GitHub)", () => {
    const raw = Buffer.from("{}");
    const base64 = `sha256=${macOf(raw).toString("base64")}`;

    expect(verifySha256Signature(base64, raw, secret)).toBe(false);
    expect(verifySha256Signature(base64, raw, secret, ["hex", "base64"])).toBe(
      true,
    );
    expect(verifySha256Signature(signSha256(raw, secret), raw, secret)).toBe(
      true,
    );
  });

  it("hints on a signed change and drops its duplicate and an older one", async () => {
    const { hints, send } = setup();

    const first = await send(5, "c".repeat(32));
    const duplicate = await send(5, "c".repeat(32));
    const older = await send(4, "c".repeat(32));

    expect(first.status).toBe(202);
    expect(duplicate.body).toEqual({ ignored: "duplicate" });
    expect(older.body).toEqual({ ignored: "out_of_order" });
    expect(hints).toEqual([
      { itsm: "servicenow", instance: "snow-prod", ticketId: sysId },
    ]);
  });

  it("drops the same signed body sent again with a new X-Closeloop-Delivery", async () => {
    const { hints, body, post } = setup();

    const first = await post(body(7), { "x-closeloop-delivery": "one" });
    const replay = await post(body(7), { "x-closeloop-delivery": "two" });

    expect(first.status).toBe(202);
    expect(replay).toEqual({ status: 200, body: { ignored: "duplicate" } });
    expect(hints).toHaveLength(1);
  });

  it("takes a sys_mod_count equal to the last one handled as old", async () => {
    const { hints, body, post } = setup();

    await post(body(7), { "x-closeloop-delivery": "first" });
    const equal = await post(body(7, "2026-10-21 07:27:45"), {
      "x-closeloop-delivery": "second",
    });

    expect(equal.body).toEqual({ ignored: "out_of_order" });
    expect(hints).toHaveLength(1);
  });

  it("takes the retry of a delivery whose hint failed", async () => {
    const { hints, body, post, failNext } = setup();

    failNext(true);
    const failed = await post(body(8));
    failNext(false);
    const retried = await post(body(8));

    expect([failed.status, retried.status]).toEqual([500, 202]);
    expect(hints).toHaveLength(1);
  });

  it("accepts JSON with a charset and answers 415 to any other type", async () => {
    const { hints, body, post } = setup();

    const charset = await post(body(1), {
      "content-type": "application/json; charset=UTF-8",
    });
    const form = await post(body(2), {
      "content-type": "application/x-www-form-urlencoded",
    });

    expect([charset.status, form.status]).toEqual([202, 415]);
    expect(hints).toHaveLength(1);
  });

  it("names the wrong and missing fields of a bad payload, never their values", async () => {
    const { hints, logs, post } = setup();
    const raw = Buffer.from(
      JSON.stringify({ table: "change_request", sys_id: "not-a-sys-id" }),
    );

    const result = await post(raw);

    const fields = ["sys_id", "sys_mod_count", "sys_updated_on"];
    expect(result).toEqual({
      status: 400,
      body: { error: "payload", fields },
    });
    expect(logs).toContainEqual({
      level: "warn",
      event: "webhook.rejected",
      fields: {
        itsm: "servicenow",
        instance: "snow-prod",
        reason: "payload",
        fields,
      },
    });
    expect(JSON.stringify(logs)).not.toContain("not-a-sys-id");
    expect(hints).toEqual([]);
  });

  it("rejects a body signed with another secret and ignores its own echo", async () => {
    const { hints, send } = setup();

    const forged = await send(1, "c".repeat(32), new SecretValue("guess"));
    const echo = await send(2, "b".repeat(32));

    expect(forged.status).toBe(401);
    expect(echo.body).toEqual({ ignored: "echo" });
    expect(hints).toEqual([]);
  });
});
