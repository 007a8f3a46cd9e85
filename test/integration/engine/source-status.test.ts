import { afterEach, describe, expect, it } from "vitest";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

describe("a finding its source reports resolved or suppressed", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("is kept and shown with the reason, but never planned, ticketed or acted on", async () => {
    h = await new Harness().start();
    const rec = makeRecord("muted");
    rec.finding.status = "suppressed";
    const fp = rec.finding.fingerprint;

    await h.engine.ingest([rec]);
    await h.settle();
    const row = (await h.engine.status()).find((r) => r.fingerprint === fp);

    expect(await h.stateOf(fp)).toBe("new");
    expect(row?.reason).toMatch(/^SOURCE_NOT_OPEN: .*suppressed/);
    expect(h.itsm.ticketOf(fp)).toBeUndefined();
    expect(h.target.executeCalls).toEqual([]);
  });

  it("goes through the loop once a later report has it open", async () => {
    h = await new Harness().start();
    const resolved = makeRecord("reopened");
    resolved.finding.status = "resolved";
    const fp = resolved.finding.fingerprint;
    await h.engine.ingest([resolved]);
    await h.settle();

    await h.engine.ingest([makeRecord("reopened")]);
    await h.settle();
    h.itsm.approve(fp, CAB);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("closed");
    expect(h.target.effective).toEqual(["svc_reopened/a1", "svc_reopened/a2"]);
  });

  it("stays open when a later report marks it resolved, since only the target's proof closes it", async () => {
    h = await new Harness().start();
    const open = makeRecord("still-open");
    const fp = open.finding.fingerprint;
    await h.engine.ingest([open]);
    await h.settle();

    const resolved = makeRecord("still-open");
    resolved.finding.status = "resolved";
    await h.engine.ingest([resolved]);
    await h.settle();

    expect(await h.stateOf(fp)).toBe("awaiting_approval");
    expect((await h.store.getFinding(fp))?.finding.status).toBe("open");
  });

  it("does not start a regression when a closed finding reappears resolved at the source", async () => {
    h = await new Harness().start();
    const rec = makeRecord("history");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(fp, CAB);
    await h.settle();
    const again = makeRecord("history");
    again.finding.status = "resolved";
    again.finding.locations = [
      { source: "gitleaks", file: "elsewhere.env", lineReported: 9 },
    ];

    const result = await h.engine.ingest([again]);

    expect(await h.stateOf(fp)).toBe("closed");
    expect(result.regressions).toBe(0);
  });
});
