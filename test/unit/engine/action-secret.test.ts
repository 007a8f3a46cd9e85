import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity } from "../../../src/domain/identity.js";
import {
  LEAKED_VALUE_LINE,
  type PlannedAction,
} from "../../../src/domain/plan.js";
import type {
  ActionResult,
  TargetContext,
} from "../../../src/targets/types.js";
import { FakeTarget } from "../../helpers/fakes/fake-target.js";
import { CANARY, makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "../../integration/engine/harness.js";

/** A target whose first action revokes a token by sending it, as GitHub's and Salesforce's do. */
class RevokingTarget extends FakeTarget {
  /** What each execute call was handed as the secret, by action id. */
  readonly executeSecrets: [string, string | null][] = [];

  constructor(readonly marksRevocation: boolean) {
    super("pg-test");
  }

  override plan(identity: Identity, finding: Finding): PlannedAction[] {
    const [revoke, ...rest] = super.plan(identity, finding);
    if (revoke === undefined || !this.marksRevocation)
      return super.plan(identity, finding);
    return [
      { ...revoke, kind: "fake.revoke-token", usesLeakedSecret: true },
      ...rest,
    ];
  }

  override execute(
    action: PlannedAction,
    ctx: TargetContext,
  ): Promise<ActionResult> {
    this.executeSecrets.push([action.id, ctx.secret?.reveal() ?? null]);
    return super.execute(action, ctx);
  }
}

/** Every byte of every file in the data dir: the db, its WAL and shared memory. */
function dataDirBytes(dir: string): Buffer {
  return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
}

async function runToClosure(
  target: RevokingTarget,
  secret: string | null = CANARY,
): Promise<{ h: Harness; fp: string }> {
  const h = new Harness();
  h.targetAdapter = target;
  await h.start();
  const rec = makeRecord("revoke", secret);
  const fp = rec.finding.fingerprint;
  await h.engine.ingest([rec]);
  await h.settle();
  h.itsm.approve(fp, CAB);
  await h.settle();
  return { h, fp };
}

describe("the leaked value on execution", () => {
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it("hands the value from custody only to the action whose plan marks it", async () => {
    const target = new RevokingTarget(true);

    const run = await runToClosure(target);
    h = run.h;

    expect(await h.stateOf(run.fp)).toBe("closed");
    expect(target.executeSecrets).toEqual([
      ["a1", CANARY],
      ["a2", null],
    ]);
    expect(target.probeSecrets).toEqual([CANARY]);
  });

  it("gives every action null when the plan marks none", async () => {
    const target = new RevokingTarget(false);

    const run = await runToClosure(target);
    h = run.h;

    expect(target.executeSecrets).toEqual([
      ["a1", null],
      ["a2", null],
    ]);
    expect(h.logger.events()).not.toContain("secret.unsealed");
  });

  it("keeps the handed value out of the logs, the store and the ticket", async () => {
    const target = new RevokingTarget(true);

    const run = await runToClosure(target);
    h = run.h;

    const ticket = h.itsm.ticketOf(run.fp)!;
    const unsealed = h.logger.lines.filter(
      (l) => l.event === "secret.unsealed",
    );
    expect(unsealed.map((l) => l.fields)).toEqual([
      {
        findingId: run.fp,
        actionId: "a1",
        target: "pg-test",
        inCustody: true,
      },
    ]);
    expect(h.logger.text()).not.toContain(CANARY);
    expect(JSON.stringify(h.events)).not.toContain(CANARY);
    expect(dataDirBytes(h.dir).includes(CANARY)).toBe(false);
    expect(JSON.stringify(ticket.notes)).not.toContain(CANARY);
    expect(ticket.attachments[0]!.bytes.includes(CANARY)).toBe(false);
  });

  it("tells the change manager which action takes the leaked value", async () => {
    const target = new RevokingTarget(true);

    const run = await runToClosure(target);
    h = run.h;

    const lines = h.itsm.ticketOf(run.fp)!.draft.planText.split("\n");
    const marked = lines.flatMap((line, i) =>
      line.trim() === LEAKED_VALUE_LINE ? [i] : [],
    );
    expect(marked).toHaveLength(1);
    expect(lines.slice(0, marked[0]).findLast((l) => /^a\d\./.test(l))).toMatch(
      /^a1\. disable login/,
    );
  });

  it("hands null to a marked action when nothing was kept in custody", async () => {
    const target = new RevokingTarget(true);

    const run = await runToClosure(target, null);
    h = run.h;

    expect(target.executeSecrets[0]).toEqual(["a1", null]);
    expect(
      h.logger.lines.find((l) => l.event === "secret.unsealed")?.fields,
    ).toMatchObject({ actionId: "a1", inCustody: false });
  });
});
