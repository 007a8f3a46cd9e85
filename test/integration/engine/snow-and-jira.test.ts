import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { RealItsmHarness, SNOW_URL } from "./real-itsm.js";

const sha256 = (bytes: Buffer): string =>
  createHash("sha256").update(bytes).digest("hex");

/** The text of every comment, ADF flattened to its text nodes. */
function commentTexts(body: unknown): string {
  return (
    JSON.stringify(body)
      .match(/"text":"([^"]*)"/g)
      ?.join(" ") ?? ""
  );
}

describe("a ServiceNow change plus a Jira task, over the real adapters", () => {
  let h: RealItsmHarness;
  afterEach(async () => h.dispose());

  it("takes approval from the change, links the task to it and closes both with evidence on both", async () => {
    h = await new RealItsmHarness(["snow", "jira"]).start();
    const rec = makeRecord("both");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [change, task] = await h.store.listTickets(fp);
    const waited = (await h.store.getFinding(fp))?.state;

    h.snow.decide(change!.ref!.id, "cab.alice", "approved", "CAB ok");
    await h.settle();

    const finding = await h.store.getFinding(fp);
    const evidence = await h.store.getEvidence(fp, 1);
    const changeRow = h.snow.store.get("change_request", change!.ref!.id);
    const snowFiles = h.snow.attachments
      .all()
      .filter((a) => a.meta.table_sys_id === change!.ref!.id);
    const issue = h.jira.issues.get(task!.ref!.id)!;
    const notes = issue.comments.map((c) => commentTexts(c.body));

    expect(waited).toBe("awaiting_approval");
    expect(finding?.state).toBe("closed");
    expect(change!.approvalSource).toBe(true);
    expect(task!.approvalSource).toBe(false);
    // Jira never approved: its JSM approval is still pending, and closeloop never read it.
    expect(issue.approvals[0]?.finalDecision).toBe("pending");
    const reads = h.calls.filter((c) => c.method === "readApproval");
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.every((c) => c.instance === "snow")).toBe(true);
    expect(issue.remoteLinks).toEqual([
      expect.objectContaining({
        globalId: `${SNOW_URL}/change_request.do?sys_id=${change!.ref!.id}`,
        url: `${SNOW_URL}/change_request.do?sys_id=${change!.ref!.id}`,
        title: expect.stringContaining(change!.ref!.key) as unknown,
      }),
    ]);
    expect(notes).toEqual([
      expect.stringContaining(`${change!.ref!.key} approved by cab.alice`),
      expect.stringContaining("the credential no longer works"),
    ]);
    expect(
      h.snow.store.journalText("change_request", change!.ref!.id, "work_notes"),
    ).toContain("the credential no longer works");
    // The evidence, byte for byte, on both; both closed.
    expect(snowFiles.map((a) => sha256(a.bytes))).toEqual([evidence!.sha256]);
    expect(issue.attachments.map((a) => sha256(a.bytes))).toEqual([
      evidence!.sha256,
    ]);
    expect(changeRow?.state).toBe("3");
    expect(issue.statusId).toBe("10001");
  });

  it("closes neither while the evidence cannot reach the Jira task", async () => {
    h = await new RealItsmHarness(["snow", "jira"]).start();
    const rec = makeRecord("half");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    const [change, task] = await h.store.listTickets(fp);
    h.jira.inject({
      method: "POST",
      path: /\/attachments$/,
      respond: { status: 403, body: { errorMessages: ["No permission"] } },
      times: 100,
    });

    h.snow.decide(change!.ref!.id, "cab.alice", "approved", "CAB ok");
    await h.settle(4);

    expect((await h.store.getFinding(fp))?.state).toBe("evidence");
    expect(h.snow.store.get("change_request", change!.ref!.id)?.state).not.toBe(
      "3",
    );
    expect(h.jira.issues.get(task!.ref!.id)!.statusId).not.toBe("10001");
  });
});
