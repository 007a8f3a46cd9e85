import { afterEach, describe, expect, it } from "vitest";
import type { FaultPhase } from "../../helpers/fakes/faults.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { Harness } from "./harness.js";

const CALLS = ["findByCorrelation", "create", "readStatus"] as const;
const PHASES: FaultPhase[] = ["before", "after"];

/** A pass, then a new engine and store on the same file, until nothing is left to do. */
async function settleWithRestarts(h: Harness): Promise<void> {
  for (let i = 0; i < 8; i += 1) {
    await h.engine.runOnce();
    await h.restart();
    h.clock.advance(3_600_000);
  }
}

async function manualHarness(): Promise<Harness> {
  const h = new Harness();
  h.routeUnresolved = () => ({ itsm: [h.itsm.instance] });
  return h.start();
}

const unresolvable = (seed: string) => ({
  finding: makeFinding(seed, { hints: {} }),
  secret: null,
});

describe("a manual ticket across a crash and a restart (closure contracts 3, 7)", () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it.each(CALLS.flatMap((m) => PHASES.map((p) => [m, p] as const)))(
    "opens exactly one manual ticket after a crash in %s (%s), then ends at manual_closed",
    async (method, phase) => {
      h = await manualHarness();
      const rec = unresolvable(`crash-${method}-${phase}`);
      const fp = rec.finding.fingerprint;
      h.itsm.faults.arm(method, phase);
      await h.engine.ingest([rec]);
      await settleWithRestarts(h);
      const opened = await h.stateOf(fp);

      h.itsm.closeByPerson(fp);
      await settleWithRestarts(h);

      expect(opened).toBe("manual");
      expect(h.itsm.tickets.size).toBe(1);
      expect(h.itsm.count("requestApproval")).toBe(0);
      expect(h.target.effective).toEqual([]);
      expect(await h.stateOf(fp)).toBe("manual_closed");
    },
  );

  it("keeps one manual ticket when the finding is ingested again", async () => {
    h = await manualHarness();
    const rec = unresolvable("again");
    await h.engine.ingest([rec]);
    await h.settle();

    await h.engine.ingest([rec]);
    await h.settle();

    expect(h.itsm.tickets.size).toBe(1);
    expect(h.itsm.count("create")).toBe(1);
    expect(await h.stateOf(rec.finding.fingerprint)).toBe("manual");
  });
});
