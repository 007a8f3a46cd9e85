import { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SecretValue } from "../../../src/domain/secret.js";
import {
  createJiraWebhookReceiver,
  signSha256,
} from "../../../src/http/webhooks/index.js";
import type { WebhookHint } from "../../../src/http/webhooks/index.js";
import type { TicketRecord } from "../../../src/store/types.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness } from "./real-itsm.js";

const secret = new SecretValue("jira-webhook-secret");

/** Jira's admin webhook in front of the harness: signed deliveries in, hints out. */
function jiraWebhook(h: RealItsmHarness) {
  const hints: WebhookHint[] = [];
  const receive = createJiraWebhookReceiver({
    instance: "jira",
    secret,
    ownUserId: () => Promise.resolve(h.jira.own.accountId),
    onHint: (hint) => {
      hints.push(hint);
    },
    logger: h.logger,
    now: () => Date.now(),
  });
  const deliver = (payload: Record<string, unknown>, delivery: string) => {
    const raw = Buffer.from(JSON.stringify(payload));
    const req = new IncomingMessage(new Socket());
    req.headers = {
      "content-type": "application/json",
      "x-hub-signature": signSha256(raw, secret),
      "x-atlassian-webhook-identifier": delivery,
    };
    return receive(req, raw);
  };
  return { hints, deliver };
}

async function onlyTicket(
  h: RealItsmHarness,
  fp: string,
  cycle = 1,
): Promise<TicketRecord> {
  const tickets = await h.store.listTickets(fp, cycle);
  expect(tickets).toHaveLength(1);
  return tickets[0]!;
}

/** Moves the issue to OPS, then a person resolves it there (Done, category done). */
function moveAndResolve(h: RealItsmHarness, id: string): string {
  const issue = h.jira.moveIssue(id, "OPS");
  const done = h.jira
    .project("OPS")!
    .workflow.statuses.find((s) => s.category === "done")!;
  issue.statusId = done.id;
  issue.resolution = "Done";
  issue.updated = Date.now();
  return issue.key;
}

const creates = (h: RealItsmHarness) =>
  h.perFinding("jira").filter((c) => c.method === "create").length;

describe("a Jira issue moved to another project while it waits (BR-16)", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("repoints the link on the move's webhook, sees the issue Done and flags it lost, creating nothing", async () => {
    h = await new RealItsmHarness(["jira"]).start();
    const rec = makeRecord("moved-flag");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const before = await onlyTicket(h, fp);
    expect(before.ref?.key).toMatch(/^SEC-/);
    const { hints, deliver } = jiraWebhook(h);

    const newKey = moveAndResolve(h, before.ref!.id);
    const delivery = h.jira.webhooks.at(-1)!;
    const answer = await deliver(delivery, "move-1");
    await h.engine.runOnce();

    const changelog = (
      delivery["changelog"] as { items: { field: string; toString: string }[] }
    ).items;
    expect(changelog).toContainEqual(
      expect.objectContaining({ field: "Key", toString: newKey }),
    );
    expect(answer.status).toBeLessThan(300);
    expect(hints).toEqual([
      { itsm: "jira", instance: "jira", ticketId: before.ref!.id },
    ]);
    const after = await onlyTicket(h, fp);
    expect(after.ref).toMatchObject({ id: before.ref!.id, key: newKey });
    expect(after.lifecycle).toBe("lost");
    const record = await h.store.getFinding(fp);
    expect(record?.state).toBe("ticket_lost");
    expect(record?.reason).toBe(
      `ticket ${newKey} was closed by a person before the evidence existed`,
    );
    const [row] = await h.engine.status();
    expect(row?.tickets).toEqual([
      { itsm: "jira", instance: "jira", key: newKey },
    ]);
    expect(creates(h)).toBe(1);
    expect(h.jira.issues.size).toBe(1);
  });

  it("under policy reopen ends the moved ticket's cycle and starts a new one", async () => {
    h = await new RealItsmHarness(
      ["jira"],
      undefined,
      {},
      {
        policy: { ticketLostPolicy: "reopen" },
      },
    ).start();
    const rec = makeRecord("moved-reopen");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const before = await onlyTicket(h, fp);

    const newKey = moveAndResolve(h, before.ref!.id);
    // To another service desk: the approval read itself shows the new key and the Done.
    h.jira.project("OPS")!.serviceDesk = true;
    await h.engine.runOnce();

    const old = await onlyTicket(h, fp, 1);
    const record = await h.store.getFinding(fp);
    expect(old.ref).toMatchObject({ id: before.ref!.id, key: newKey });
    expect(old.lifecycle).toBe("lost");
    expect(record?.cycle).toBe(2);
    // Only the new cycle opens a ticket: nothing is created again for the moved one.
    expect(
      h.logger.lines.filter(
        (l) => l.event === "ticket.lost" && l.fields["policy"] === "reopen",
      ),
    ).toHaveLength(1);
    expect(
      [...h.jira.issues.values()].filter((i) => i.key === newKey),
    ).toHaveLength(1);
  });

  it("updates the stored key when the approval read by id answers with another key", async () => {
    h = await new RealItsmHarness(["jira"]).start();
    const rec = makeRecord("moved-poll");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const before = await onlyTicket(h, fp);

    const moved = h.jira.moveIssue(before.ref!.id, "OPS");

    // Moved to another service desk: its request and approval come along.
    h.jira.project("OPS")!.serviceDesk = true;
    await h.engine.runOnce();

    const after = await onlyTicket(h, fp);
    expect(after.ref).toMatchObject({ id: before.ref!.id, key: moved.key });
    expect(after.lifecycle).toBe("open");
    expect((await h.store.getFinding(fp))?.state).toBe("awaiting_approval");
    expect(
      h.logger.lines.find((l) => l.event === "ticket.rekeyed")?.fields,
    ).toMatchObject({ from: before.ref!.key, to: moved.key });
    expect(creates(h)).toBe(1);
  });
});
