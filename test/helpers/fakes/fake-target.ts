import { CloseloopError } from "../../../src/domain/errors.js";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity, TargetKind } from "../../../src/domain/identity.js";
import type { Plan, PlannedAction } from "../../../src/domain/plan.js";
import type {
  ActionResult,
  ProbeAnswer,
  ProbeResult,
  TargetAdapter,
  TargetContext,
} from "../../../src/targets/types.js";
import { Faults } from "./faults.js";

const AT = "2026-05-04T09:00:00.000Z";

/**
 * An in-memory target faithful to `TargetAdapter`: two actions per identity, idempotent execution
 * (a repeat answers `already_done`), and a probe that answers from the real state unless scripted.
 */
export class FakeTarget implements TargetAdapter {
  readonly kind: TargetKind;
  readonly id: string;
  readonly faults = new Faults();
  /** Actions that took effect, by `principal/actionId`: the target's real state. */
  readonly effects = new Set<string>();
  /** Every execute call that changed something (outcome `done`). */
  readonly effective: string[] = [];
  readonly executeCalls: string[] = [];
  /** What each probe saw of the secret: true when one was given. */
  readonly probeSawSecret: boolean[] = [];
  /** The raw values probes were given; a test compares them with its canary. */
  readonly probeSecrets: string[] = [];
  /** Scripted probe answers, used first; then the answer comes from `effects`. */
  readonly probeScript: ProbeAnswer[] = [];
  /** Action ids that answer `failed`. */
  readonly failingActions = new Set<string>();
  /** Errors thrown, one per call, before the target acts (a breaker, a rate limit). */
  readonly refusals: CloseloopError[] = [];
  /** Action id → the time before which the action answers ACTION_NOT_DUE, as AWS's delete. */
  readonly notBefore = new Map<string, string>();
  /** The change each execute was told it runs under. */
  readonly changeRefs: TargetContext["changeRef"][] = [];
  /** The target's clock, for `notBefore`. */
  clock: () => Date = () => new Date();
  /** What the target acts on; a test repoints it as a changed config would. */
  address = "127.0.0.1:5432/app";

  constructor(id = "pg-test", kind: TargetKind = "postgres") {
    this.id = id;
    this.kind = kind;
  }

  endpoint(): Promise<string> {
    return Promise.resolve(this.address);
  }

  plan(identity: Identity, _finding: Finding): PlannedAction[] {
    const p = identity.principal;
    return [
      {
        id: "a1",
        kind: "fake.disable-login",
        summary: `disable login of ${p}`,
        impact: `anything logging in as ${p} fails`,
        verification: "a login with the leaked credential fails",
        undo: `enable login of ${p}`,
        optional: false,
        params: { principal: p },
      },
      {
        id: "a2",
        kind: "fake.terminate-sessions",
        summary: `terminate sessions of ${p}`,
        impact: "open sessions are cut",
        verification: "no session of the principal remains",
        undo: null,
        optional: false,
        params: { principal: p },
      },
    ];
  }

  execute(action: PlannedAction, ctx: TargetContext): Promise<ActionResult> {
    const key = `${ctx.identity.principal}/${action.id}`;
    this.executeCalls.push(key);
    this.changeRefs.push(ctx.changeRef);
    const refusal = this.refusals.shift();
    if (refusal !== undefined) return Promise.reject(refusal);
    const due = this.notBefore.get(action.id);
    const waitMs =
      due === undefined ? 0 : Date.parse(due) - this.clock().getTime();
    if (waitMs > 0) {
      return Promise.reject(
        new CloseloopError("ACTION_NOT_DUE", `${action.id} is not due`, {
          retryable: true,
          retryAfterMs: waitMs,
        }),
      );
    }
    this.faults.check("execute", "before");
    const base = {
      actionId: action.id,
      requestSummary: action.summary,
      responseIds: [`req-${this.executeCalls.length}`],
      startedAt: AT,
      finishedAt: AT,
      detail: {},
    };
    if (this.failingActions.has(action.id)) {
      return Promise.resolve({
        ...base,
        outcome: "failed",
        resultCode: "FAKE_FAILED",
        error: { code: "FAKE_FAILED", message: "the fake target refused" },
      });
    }
    const already = this.effects.has(key);
    this.effects.add(key);
    if (!already) this.effective.push(key);
    this.faults.check("execute", "after");
    return Promise.resolve({
      ...base,
      outcome: already ? "already_done" : "done",
      resultCode: already ? "ALREADY_DONE" : "DONE",
    });
  }

  verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
    this.faults.check("verify", "before");
    this.probeSawSecret.push(ctx.secret !== null);
    if (ctx.secret !== null) this.probeSecrets.push(ctx.secret.reveal());
    const done = plan.actions.every((a) =>
      this.effects.has(`${ctx.identity.principal}/${a.id}`),
    );
    const answer = this.probeScript.shift() ?? (done ? "invalid" : "valid");
    return Promise.resolve({
      answer,
      checks: [
        {
          name: "fake-login",
          answer,
          observed: answer === "invalid" ? "28P01" : "ok",
          at: AT,
        },
      ],
      attempts: 1,
      startedAt: AT,
      finishedAt: AT,
    });
  }
}
