import { describe, expect, it } from "vitest";
import {
  CloseloopError,
  isCloseloopError,
} from "../../../../src/domain/errors.js";
import type { PlannedAction } from "../../../../src/domain/plan.js";
import { guardTarget } from "../../../../src/targets/guard/index.js";
import type {
  ActionOutcome,
  ActionResult,
  TargetAdapter,
} from "../../../../src/targets/types.js";
import {
  makeContext,
  makeFinding,
  makeIdentity,
  manualClock,
} from "../harness.js";

const action: PlannedAction = {
  id: "a1",
  kind: "fake.act",
  summary: "s",
  impact: "i",
  verification: "v",
  undo: null,
  optional: false,
  params: {},
};
const identity = makeIdentity("t1", "runbook", "p");
const ctx = makeContext(makeFinding(), identity, null);

function fakeTarget(outcomes: (ActionOutcome | Error)[], delayMs = 0) {
  let running = 0;
  const seen = { calls: 0, maxRunning: 0 };
  const target: TargetAdapter = {
    kind: "runbook",
    id: "t1",
    endpoint: () => Promise.resolve("https://runbook.example"),
    plan: () => [action],
    execute: async () => {
      seen.calls += 1;
      running += 1;
      seen.maxRunning = Math.max(seen.maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      running -= 1;
      const next = outcomes.shift() ?? "done";
      if (next instanceof Error) throw next;
      return result(next);
    },
    verify: () => Promise.reject(new Error("not used")),
  };
  return { target, seen };
}

function result(outcome: ActionOutcome): ActionResult {
  const at = "2026-03-02T10:00:00.000Z";
  return {
    actionId: "a1",
    outcome,
    resultCode: outcome.toUpperCase(),
    requestSummary: "s",
    responseIds: [],
    startedAt: at,
    finishedAt: at,
    detail: {},
  };
}

/** Runs one guarded execute to its end, as a value or an error. */
async function runOnce(guarded: TargetAdapter) {
  return guarded.execute(action, ctx).then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
}

const neverPaused = { isPaused: () => false };

describe("guardTarget", () => {
  it("never runs more actions at once than maxConcurrent", async () => {
    const { target, seen } = fakeTarget([], 50);
    const guarded = guardTarget(target, {
      maxConcurrent: 2,
      breaker: { failureThreshold: 5, resetAfterMs: 60_000 },
      pause: neverPaused,
    });

    const results = await Promise.all(
      [1, 2, 3, 4, 5].map(() => guarded.execute(action, ctx)),
    );

    expect(results).toHaveLength(5);
    expect(seen.maxRunning).toBe(2);
  });

  it("throws EXECUTION_PAUSED, retryable, without calling the target while paused", async () => {
    const { target, seen } = fakeTarget([]);
    const guarded = guardTarget(target, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 3, resetAfterMs: 60_000 },
      pause: { isPaused: () => Promise.resolve(true) },
    });

    const error: unknown = await guarded
      .execute(action, ctx)
      .catch((e: unknown) => e);

    expect(isCloseloopError(error) && error.code).toBe("EXECUTION_PAUSED");
    expect(isCloseloopError(error) && error.retryable).toBe(true);
    expect(seen.calls).toBe(0);
  });

  it("opens after N consecutive failures, refuses with CIRCUIT_OPEN, and closes after a good trial", async () => {
    const clock = manualClock();
    const boom = new CloseloopError("TARGET_DOWN", "down", { retryable: true });
    const { target, seen } = fakeTarget(["failed", boom, "failed", "done"]);
    const guarded = guardTarget(target, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 3, resetAfterMs: 60_000 },
      pause: neverPaused,
      now: clock.now,
    });

    for (let i = 0; i < 3; i += 1) await runOnce(guarded);
    const refused = await runOnce(guarded);
    clock.advance(60_000);
    const trial = await runOnce(guarded);
    const after = await runOnce(guarded);

    expect(isCloseloopError(refused.error) && refused.error.code).toBe(
      "CIRCUIT_OPEN",
    );
    expect(isCloseloopError(refused.error) && refused.error.retryable).toBe(
      true,
    );
    expect(seen.calls).toBe(5);
    expect(trial.value?.outcome).toBe("done");
    expect(after.value?.outcome).toBe("done");
  });

  it("re-opens at once when the trial after the reset fails", async () => {
    const clock = manualClock();
    const { target } = fakeTarget(["failed", "failed"]);
    const guarded = guardTarget(target, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 1, resetAfterMs: 1_000 },
      pause: neverPaused,
      now: clock.now,
    });

    await runOnce(guarded);
    clock.advance(1_000);
    const trial = await runOnce(guarded);
    const next = await runOnce(guarded);

    expect(trial.value?.outcome).toBe("failed");
    expect(isCloseloopError(next.error) && next.error.code).toBe(
      "CIRCUIT_OPEN",
    );
  });

  it("does not count a not-yet-due action as a failure", async () => {
    const notDue = new CloseloopError("ACTION_NOT_DUE", "later", {
      retryable: true,
    });
    const { target } = fakeTarget([notDue, notDue, "done"]);
    const guarded = guardTarget(target, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 2, resetAfterMs: 60_000 },
      pause: neverPaused,
    });

    await runOnce(guarded);
    await runOnce(guarded);
    const third = await runOnce(guarded);

    expect(third.value?.outcome).toBe("done");
  });

  it("passes planLive through, so the engine plans with what the target reads", async () => {
    const { target } = fakeTarget([]);
    const live = { ...action, summary: "read live" };
    const withLive: TargetAdapter = {
      ...target,
      planLive: () => Promise.resolve([live]),
    };

    const guarded = guardTarget(withLive, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 2, resetAfterMs: 60_000 },
      pause: neverPaused,
    });
    const bare = guardTarget(target, {
      maxConcurrent: 1,
      breaker: { failureThreshold: 2, resetAfterMs: 60_000 },
      pause: neverPaused,
    });

    expect(await guarded.planLive?.(identity, makeFinding())).toEqual([live]);
    expect(bare.planLive).toBeUndefined();
  });
});
