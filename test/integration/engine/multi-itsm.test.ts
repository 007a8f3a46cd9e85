import { afterEach, describe, expect, it } from "vitest";
import { verifyEvidenceChain } from "../../../src/evidence/verify.js";
import { exportEvidence } from "../../../src/evidence/export.js";
import { FakeItsm } from "../../helpers/fakes/fake-itsm.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

describe("a ServiceNow change and a Jira task for one finding", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  function twoItsms(): FakeItsm[] {
    return [
      new FakeItsm({ kind: "servicenow", instance: "snow" }),
      new FakeItsm({ kind: "jira", instance: "jira", ownUserId: "jira-bot" }),
    ];
  }

  it("takes approval from the first instance and closes both with evidence", async () => {
    h = await new Harness(twoItsms()).start();
    const [snow, jira] = h.itsms as [FakeItsm, FakeItsm];
    const rec = makeRecord("two");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();

    jira.approve(fp, CAB);
    await h.settle();
    const beforeSnowApproval = h.target.executeCalls.length;
    snow.approve(fp, CAB);
    await h.settle();

    expect(beforeSnowApproval).toBe(0);
    expect(jira.count("requestApproval")).toBe(0);
    expect(await h.stateOf(fp)).toBe("closed");
    for (const itsm of [snow, jira]) {
      const t = itsm.ticketOf(fp)!;
      expect(t.attachments).toHaveLength(1);
      expect(t.lifecycle).toBe("closed");
    }
    expect(snow.ticketOf(fp)!.attachments[0]!.sha256).toBe(
      jira.ticketOf(fp)!.attachments[0]!.sha256,
    );
  });

  it("closes neither ticket while the evidence is missing on one of them", async () => {
    h = await new Harness(twoItsms()).start();
    const [snow, jira] = h.itsms as [FakeItsm, FakeItsm];
    const rec = makeRecord("half");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    jira.faults.arm("attach", "before", { times: 100 });

    snow.approve(fp, CAB);
    await h.settle(4);

    expect(await h.stateOf(fp)).toBe("evidence");
    expect(snow.ticketOf(fp)!.attachments).toHaveLength(1);
    expect(snow.ticketOf(fp)!.lifecycle).toBe("open");
    expect(jira.ticketOf(fp)!.lifecycle).toBe("open");
  });

  it("chains and signs the evidence of several closures and exports it with an index", async () => {
    h = await new Harness().start();
    const recs = [makeRecord("c1"), makeRecord("c2"), makeRecord("c3")];
    await h.engine.ingest(recs);
    await h.settle();
    for (const r of recs) h.itsm.approve(r.finding.fingerprint, CAB);
    await h.settle();

    const exported = await exportEvidence(h.store, {});
    const docs = exported.documents.map((d) => d.bytes);

    expect(exported.index.count).toBe(3);
    expect(exported.index.entries[0]!.prevSha256).toBeNull();
    expect(exported.index.entries[1]!.prevSha256).toBe(
      exported.index.entries[0]!.sha256,
    );
    expect(verifyEvidenceChain(docs, h.signer.publicKeyPem())).toEqual({
      ok: true,
    });
    expect(
      verifyEvidenceChain([docs[0]!, docs[2]!], h.signer.publicKeyPem()).ok,
    ).toBe(false);
  });
});
