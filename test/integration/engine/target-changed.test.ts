import { afterEach, describe, expect, it } from "vitest";
import { hashPlan, makePlan, type Plan } from "../../../src/domain/plan.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

async function awaiting(h: Harness, seed: string): Promise<string> {
  const rec = makeRecord(seed);
  await h.engine.ingest([rec]);
  await h.settle();
  return rec.finding.fingerprint;
}

async function planOf(h: Harness, fp: string): Promise<Plan> {
  const plan = (await h.store.getFinding(fp))?.plan;
  if (plan == null) throw new Error(`no plan stored for ${fp}`);
  return plan;
}

describe("a target repointed after its plan was approved", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("records what the target acts on in the plan, under its hash", async () => {
    h = await new Harness().start();
    h.target.address = "127.0.0.1:1/payments";

    const fp = await awaiting(h, "recorded");

    const plan = await planOf(h, fp);
    const { hash, ...content } = plan;
    expect(plan.targetEndpoint).toBe("127.0.0.1:1/payments");
    expect(hash).toBe(hashPlan(content));
    expect(
      makePlan({ ...content, targetEndpoint: "127.0.0.1:55432/payments" }).hash,
    ).not.toBe(hash);
    expect(h.itsm.ticketOf(fp)?.planHash).toBe(hash);
  });

  it("runs nothing on the new system and says a new plan is needed", async () => {
    h = await new Harness().start();
    h.target.address = "127.0.0.1:1/payments";
    const fp = await awaiting(h, "moved");
    h.itsm.approve(fp, CAB);
    h.target.faults.arm("execute", "before");
    await h.engine.runOnce();
    expect(h.target.effective).toEqual([]);

    h.target.address = "127.0.0.1:55432/payments";
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(h.target.effective).toEqual([]);
    expect(record?.state).toBe("executing");
    expect(record?.reason).toBe(
      "TARGET_CHANGED: pg-test now points at 127.0.0.1:55432/payments, " +
        "the approved plan at 127.0.0.1:1/payments; a new plan and approval are needed",
    );
    expect(record?.dueAt).toBeNull();
    expect(record?.plan?.targetEndpoint).toBe("127.0.0.1:1/payments");
    expect(h.itsm.ticketOf(fp)?.notes.join("\n")).toMatch(
      /closeloop will not act: TARGET_CHANGED/,
    );
  });

  it("blocks at the approval already, before the finding starts executing", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "early");

    h.target.address = "10.0.0.9:5432/app";
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect(await h.stateOf(fp)).toBe("awaiting_approval");
    expect((await h.store.getFinding(fp))?.reason).toMatch(/^TARGET_CHANGED: /);
  });

  it("never runs a stored plan that does not record its endpoint", async () => {
    h = await new Harness().start();
    const fp = await awaiting(h, "old-plan");
    const {
      hash: _hash,
      targetEndpoint: _endpoint,
      ...older
    } = await planOf(h, fp);
    const oldPlan = makePlan(older);
    await h.store.updateFinding(
      fp,
      { plan: oldPlan },
      h.clock.now().toISOString(),
    );
    h.itsm.setPlanHash(fp, oldPlan.hash);

    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(h.target.executeCalls).toEqual([]);
    expect((await h.store.getFinding(fp))?.reason).toMatch(
      /^TARGET_CHANGED: pg-test now points at 127\.0\.0\.1:5432\/app, the approved plan does not record what it acts on/,
    );
  });

  it("names the endpoint the actions ran against in the evidence", async () => {
    h = await new Harness().start();
    h.target.address = "db.internal:6432/payments";
    const fp = await awaiting(h, "evidence");

    h.itsm.approve(fp, CAB);
    await h.settle();

    const attachment = h.itsm.ticketOf(fp)?.attachments[0];
    expect(await h.stateOf(fp)).toBe("closed");
    const document = JSON.parse(attachment!.bytes.toString("utf8")) as {
      target: unknown;
    };
    expect(document.target).toEqual({
      id: "pg-test",
      kind: "postgres",
      endpoint: "db.internal:6432/payments",
    });
    expect(h.itsm.ticketOf(fp)?.closedWith?.notes).toMatch(
      /- Target: db\.internal:6432\/payments/,
    );
  });
});
