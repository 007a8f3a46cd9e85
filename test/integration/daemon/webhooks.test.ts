import { afterEach, describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import { signSha256 } from "../../../src/http/webhooks/index.js";
import { eventually } from "../../helpers/eventually.js";
import {
  GITHUB_SECRET,
  startDaemonHarness,
  WEBHOOK_SECRET,
  type Daemon,
} from "./harness.js";

let daemon: Daemon | undefined;
let stop: AbortController | undefined;
afterEach(async () => {
  stop?.abort();
  await daemon?.close();
  daemon = undefined;
});

const LEAKED = "ghp_NotARealTokenButLooksLikeOne000000000";

function servicenowDelivery(sysId: string): string {
  const now = new Date().toISOString().replace("T", " ").slice(0, 19);
  return JSON.stringify({
    table: "change_request",
    sys_id: sysId,
    sys_mod_count: 99,
    sys_updated_on: now,
    updated_by_id: "6816f79cc0a8016401c5a33be04be441",
  });
}

describe("closeloop run (daemon) with webhooks", () => {
  it("mounts the configured receivers, refuses forgeries, replays and non-JSON bodies, and acts on a hint", async () => {
    daemon = await startDaemonHarness({ webhooks: true });
    await daemon.ingestCertificateFinding();
    stop = new AbortController();
    const running = daemon.cliStarted(["run"], stop.signal);

    const started = await eventually(() => {
      const line = running.io
        .stdout()
        .split("\n")
        .find((l) => l.includes('"daemon.started"'));
      return line === undefined
        ? undefined
        : (JSON.parse(line) as { http: string; webhooks: string[] });
    });
    const row = await eventually(async () => {
      const [r] = await daemon!.status();
      return r?.state === "awaiting_approval" ? r : undefined;
    });
    const change = row.tickets[0]?.key ?? "";
    await daemon.approve(change);
    const sysId = String(
      daemon.servicenow.store
        .rows("change_request")
        .find((c) => c["number"] === change)?.["sys_id"],
    );

    const body = servicenowDelivery(sysId);
    const post = (path: string, headers: Record<string, string>, raw = body) =>
      fetch(`${started.http}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: raw,
      });
    const forged = await post("/webhooks/servicenow/snow", {
      "x-closeloop-signature": signSha256(body, new SecretValue("wrong")),
    });
    const forgedGithub = await post("/webhooks/github", {
      "x-github-event": "secret_scanning_alert",
      "x-hub-signature-256": signSha256(body, new SecretValue("wrong")),
    });
    const wrongKind = await post("/webhooks/jira/snow", {});
    const beforeHint = daemon.runbook.jobs.length;
    const accepted = await post("/webhooks/servicenow/snow", {
      "x-closeloop-signature": signSha256(
        body,
        new SecretValue(WEBHOOK_SECRET),
      ),
    });
    // The poll interval is a minute: only the hint can start this pass now.
    await eventually(() =>
      daemon!.runbook.jobs.length > 0 ? true : undefined,
    );
    const snowSigned = {
      "x-closeloop-signature": signSha256(
        body,
        new SecretValue(WEBHOOK_SECRET),
      ),
    };
    const replayed = await post("/webhooks/servicenow/snow", {
      ...snowSigned,
      "x-closeloop-delivery": "a-new-id-on-the-same-body",
    });
    const plainText = await post("/webhooks/servicenow/snow", {
      ...snowSigned,
      "content-type": "text/plain",
    });
    const nonsense = JSON.stringify({
      action: "created",
      alert: {
        number: -1,
        secret_type: "",
        secret: LEAKED,
        created_at: "garbage",
      },
      repository: { full_name: "" },
    });
    const githubNonsense = await post(
      "/webhooks/github",
      {
        "x-github-event": "secret_scanning_alert",
        "x-hub-signature-256": signSha256(
          nonsense,
          new SecretValue(GITHUB_SECRET),
        ),
      },
      nonsense,
    );
    const githubNonsenseText = await githubNonsense.text();
    const health = await fetch(`${started.http}/healthz`);
    stop.abort();
    const code = await running.done;

    expect(started.webhooks).toEqual([
      "/webhooks/servicenow/snow",
      "/webhooks/github",
    ]);
    expect(forged.status).toBe(401);
    expect(forgedGithub.status).toBe(401);
    expect(wrongKind.status).toBe(404);
    expect(beforeHint).toBe(0);
    expect(accepted.status).toBe(202);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toEqual({ ignored: "duplicate" });
    expect(plainText.status).toBe(415);
    expect(githubNonsense.status).toBe(400);
    expect(githubNonsenseText).toContain("alert.number");
    expect(githubNonsenseText).not.toContain(LEAKED);
    expect(await daemon.status()).toHaveLength(1);
    expect(health.status).toBe(200);
    expect(code).toBe(0);
    expect(running.io.stdout() + running.io.stderr()).not.toContain(
      GITHUB_SECRET,
    );
  });
});
