import { afterEach, describe, expect, it } from "vitest";
import type { Plan } from "../../../src/domain/plan.js";
import type { ProbeResult, TargetContext } from "../../../src/targets/types.js";
import { FakeTarget } from "../../helpers/fakes/fake-target.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

/** A probe that needed two consecutive rounds: every check is in the result twice. */
class TwoRoundTarget extends FakeTarget {
  override async verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
    const round = await super.verify(plan, ctx);
    const again = round.checks.map((c) => ({
      ...c,
      at: "2026-05-01T12:00:05.000Z",
    }));
    return { ...round, checks: [...round.checks, ...again], attempts: 2 };
  }
}

describe("verification over several probe rounds", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("names each check once in the step and the ticket note, and keeps every round's record", async () => {
    h = new Harness();
    const target = new TwoRoundTarget("pg-test");
    h.targetAdapter = target;
    await h.start();
    const rec = makeRecord("rounds");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();

    h.itsm.approve(fp, CAB);
    await h.settle();

    const answered = h.events.find((e) => e.name === "verification.answered");
    expect(answered?.detail).toMatchObject({
      answer: "invalid",
      checks: ["fake-login: invalid"],
      rounds: 2,
    });
    const note = h.itsm
      .ticketOf(fp)!
      .notes.find((n) => n.includes("Verification:"));
    expect(note?.match(/fake-login: /g)).toHaveLength(1);
    const probes = (await h.store.listIntents(fp, 1)).filter(
      (i) => i.kind === "probe",
    );
    expect(
      (probes[0]?.output as { checks?: unknown[] } | null)?.checks,
    ).toHaveLength(2);
  });
});
