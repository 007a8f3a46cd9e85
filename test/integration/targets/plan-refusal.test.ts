import { afterEach, describe, expect, it } from "vitest";
import { CloseloopError } from "../../../src/domain/errors.js";
import type { TargetAdapter } from "../../../src/targets/types.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { Harness } from "../engine/harness.js";

/** The fake target, planning through `planLive` that fails the way `failure` says. */
function refusingTarget(h: Harness, failure: CloseloopError): TargetAdapter {
  const fake = h.target;
  return {
    kind: fake.kind,
    id: fake.id,
    endpoint: () => fake.endpoint(),
    plan: (identity, finding) => fake.plan(identity, finding),
    planLive: () => Promise.reject(failure),
    execute: (action, ctx) => fake.execute(action, ctx),
    verify: (plan, ctx) => fake.verify(plan, ctx),
  };
}

describe("a target that refuses to plan", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("leaves the finding unresolved with the target's reason, and opens no ticket", async () => {
    h = new Harness();
    h.targetAdapter = refusingTarget(
      h,
      new CloseloopError(
        "KEY_OWNER_MISMATCH",
        "key AKIAIOSFODNN7EXAMPLE belongs to IAM user svc-deploy, not to svc-ci",
      ),
    );
    await h.start();
    const record = makeRecord("owner");
    const fp = record.finding.fingerprint;

    await h.engine.ingest([record]);
    await h.settle();

    const stored = await h.store.getFinding(fp);
    expect(stored?.state).toBe("unresolved");
    expect(stored?.reason).toContain(
      "KEY_OWNER_MISMATCH: key AKIAIOSFODNN7EXAMPLE",
    );
    expect(h.itsm.ticketOf(fp)).toBeUndefined();
    expect(h.target.executeCalls).toEqual([]);
  });

  it("tries planning again after a transient failure, keeping the finding new", async () => {
    h = new Harness();
    h.targetAdapter = refusingTarget(
      h,
      new CloseloopError("AWS_PLAN_READ_FAILED", "GetAccessKeyInfo failed", {
        retryable: true,
      }),
    );
    await h.start();
    const record = makeRecord("throttled");
    const fp = record.finding.fingerprint;

    await h.engine.ingest([record]);
    await h.engine.runOnce();

    const stored = await h.store.getFinding(fp);
    expect(stored?.state).toBe("new");
    expect(stored?.reason).toContain("AWS_PLAN_READ_FAILED");
    expect(h.eventNames(fp)).toContain("step.failed");
  });
});
