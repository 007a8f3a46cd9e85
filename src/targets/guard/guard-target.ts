import Bottleneck from "bottleneck";
import { CloseloopError, isCloseloopError } from "../../domain/errors.js";
import type { PlannedAction } from "../../domain/plan.js";
import type { ActionResult, TargetAdapter, TargetContext } from "../types.js";
import { CircuitBreaker, type BreakerOptions } from "./circuit-breaker.js";

/** The global stop switch (`closeloop pause` / `resume`), read before every action. */
export interface PauseSwitch {
  isPaused(): boolean | Promise<boolean>;
}

export interface GuardOptions {
  /** Actions running at once against this target. */
  maxConcurrent: number;
  breaker: BreakerOptions;
  pause: PauseSwitch;
  now?: () => Date;
}

/** Errors that say "not now" rather than "the target failed": they never trip the breaker. */
const NEUTRAL_CODES = new Set(["ACTION_NOT_DUE", "EXECUTION_PAUSED"]);

/**
 * Wraps a target so that actions (execute, undo) respect a concurrency limit, a circuit breaker
 * and the global pause. `plan`, `planLive` and `verify` pass through: they change nothing on the
 * target.
 */
export function guardTarget(
  target: TargetAdapter,
  options: GuardOptions,
): TargetAdapter {
  const now = options.now ?? (() => new Date());
  const limiter = new Bottleneck({ maxConcurrent: options.maxConcurrent });
  const breaker = new CircuitBreaker(options.breaker, now);

  async function assertRunning(action: PlannedAction): Promise<void> {
    if (!(await options.pause.isPaused())) return;
    throw new CloseloopError(
      "EXECUTION_PAUSED",
      `execution is paused; action ${action.id} on ${target.id} waits for resume`,
      {
        retryable: true,
        details: { targetId: target.id, actionId: action.id },
      },
    );
  }

  async function run(
    action: PlannedAction,
    call: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    await assertRunning(action);
    return limiter.schedule(async () => {
      // The switch may have flipped while the action waited for a slot.
      await assertRunning(action);
      breaker.admit(target.id);
      try {
        const result = await call();
        if (result.outcome === "failed") breaker.recordFailure();
        else breaker.recordSuccess();
        return result;
      } catch (error) {
        if (isCloseloopError(error) && NEUTRAL_CODES.has(error.code)) {
          breaker.recordNeutral();
        } else {
          breaker.recordFailure();
        }
        throw error;
      }
    });
  }

  const guarded: TargetAdapter = {
    kind: target.kind,
    id: target.id,
    endpoint: () => target.endpoint(),
    plan: (identity, finding) => target.plan(identity, finding),
    execute: (action: PlannedAction, ctx: TargetContext) =>
      run(action, () => target.execute(action, ctx)),
    verify: (plan, ctx) => target.verify(plan, ctx),
  };
  const planLive = target.planLive?.bind(target);
  if (planLive !== undefined) guarded.planLive = planLive;
  const undo = target.undo?.bind(target);
  if (undo !== undefined) {
    guarded.undo = (action, ctx) => run(action, () => undo(action, ctx));
  }
  return guarded;
}
