import { afterEach, describe, expect, it } from "vitest";
import type { FaultPhase } from "../../helpers/fakes/faults.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "./harness.js";

const ITSM_CALLS = [
  "findByCorrelation",
  "create",
  "requestApproval",
  "readApproval",
  "startWork",
  "addNote",
  "finishWork",
  "readStatus",
  "attach",
  "listAttachments",
  "readBack",
  "close",
  "listChangedSince",
] as const;
const TARGET_CALLS = ["execute", "verify"] as const;
const PHASES: FaultPhase[] = ["before", "after"];

/** A pass, then a new engine and store on the same file, until nothing is left to do. */
async function settleWithRestarts(h: Harness): Promise<void> {
  for (let i = 0; i < 12; i += 1) {
    await h.engine.runOnce();
    await h.restart();
    h.clock.advance(3_600_000);
  }
}

async function runWithCrash(
  arm: (h: Harness) => void,
): Promise<{ h: Harness; fp: string }> {
  const h = await new Harness().start();
  const rec = makeRecord("crash");
  arm(h);
  await h.engine.ingest([rec]);
  await settleWithRestarts(h);
  h.itsm.approve(rec.finding.fingerprint, CAB);
  await settleWithRestarts(h);
  return { h, fp: rec.finding.fingerprint };
}

describe("a crash at any call, then a restart (closure contracts 3, 4, 7)", () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  const cases = [
    ...ITSM_CALLS.flatMap((m) => PHASES.map((p) => ["itsm", m, p] as const)),
    ...TARGET_CALLS.flatMap((m) =>
      PHASES.map((p) => ["target", m, p] as const),
    ),
  ];

  it.each(cases)(
    "continues to closure after a crash in %s.%s (%s) with one ticket and each action once",
    async (side, method, phase) => {
      const run = await runWithCrash((x) =>
        side === "itsm"
          ? x.itsm.faults.arm(method, phase)
          : x.target.faults.arm(method, phase),
      );
      h = run.h;

      const ticket = h.itsm.ticketOf(run.fp);
      expect(await h.stateOf(run.fp)).toBe("closed");
      expect(h.itsm.tickets.size).toBe(1);
      expect(h.target.effective).toEqual(["svc_crash/a1", "svc_crash/a2"]);
      expect(ticket?.attachments).toHaveLength(1);
      expect(ticket?.lifecycle).toBe("closed");
    },
  );

  it("finds the ticket a create with a lost answer made (BR-22)", async () => {
    h = await new Harness().start();
    const rec = makeRecord("lag");
    h.itsm.faults.arm("create", "after");

    await h.engine.ingest([rec]);
    await h.engine.runOnce();
    await h.restart();
    h.clock.advance(30_000);
    await h.engine.runOnce();

    expect(h.itsm.count("create")).toBe(1);
    expect(h.itsm.count("findByCorrelation")).toBe(2);
    expect(await h.stateOf(rec.finding.fingerprint)).toBe("awaiting_approval");
  });

  it("does not create again while a lookup after an ambiguous create still misses", async () => {
    h = await new Harness().start();
    const rec = makeRecord("lag2");
    h.itsm.faults.arm("create", "after");
    await h.engine.ingest([rec]);
    await h.engine.runOnce();

    h.itsm.setLookupLag(1);
    h.clock.advance(20_000);
    await h.engine.runOnce();
    const afterMiss = h.itsm.count("create");
    h.clock.advance(20_000);
    await h.engine.runOnce();

    expect(afterMiss).toBe(1);
    expect(h.itsm.count("create")).toBe(1);
    expect(h.itsm.tickets.size).toBe(1);
    expect(await h.stateOf(rec.finding.fingerprint)).toBe("awaiting_approval");
  });
});
