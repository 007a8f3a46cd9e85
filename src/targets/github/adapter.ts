import { resolveSecretRef } from "../../config/secret-ref.js";
import { isCloseloopError } from "../../domain/errors.js";
import type { Plan, PlannedAction } from "../../domain/plan.js";
import { startAction, unknownAction } from "../guard/action-result.js";
import { parseTargetConfig } from "../guard/parse-config.js";
import { combineAnswers, probeUntil, realSleep } from "../guard/probe-loop.js";
import type { TargetDeps } from "../guard/target-deps.js";
import type {
  ActionResult,
  ProbeCheck,
  ProbeResult,
  TargetAdapter,
  TargetContext,
} from "../types.js";
import {
  deleteDeployKey,
  deleteInstallationToken,
  revokeCredential,
  setAlertState,
  type GithubActionDeps,
} from "./actions.js";
import { createGithubClients } from "./client.js";
import { GITHUB_ACTIONS, planGithub } from "./plan.js";
import {
  isTokenAction,
  probeAlertValidity,
  probeDeployKey,
  probeToken,
} from "./probe.js";
import { githubTargetSchema, type GithubTargetInput } from "./schema.js";

/** A GitHub target: token revocation, deploy-key deletion, alert resolution, and their proofs. */
export function createGithubTarget(
  input: GithubTargetInput,
  deps: TargetDeps,
): TargetAdapter {
  const config = parseTargetConfig(githubTargetSchema, input, "github");
  const adminToken = resolveSecretRef(
    config.token,
    `targets.${config.id}.token`,
    deps.env,
  );
  const clients = createGithubClients(config.baseUrl, adminToken);
  const now = deps.now ?? (() => new Date());
  const actionDeps: GithubActionDeps = { clients, now };

  async function guarded(
    action: PlannedAction,
    ctx: TargetContext,
    run: () => Promise<ActionResult>,
  ) {
    try {
      const result = await run();
      ctx.logger.info("action.executed", {
        target: config.id,
        actionId: action.id,
        kind: action.kind,
        outcome: result.outcome,
        resultCode: result.resultCode,
      });
      return result;
    } catch (error) {
      if (!isCloseloopError(error) || error.retryable) throw error;
      ctx.logger.warn("action.failed", {
        target: config.id,
        actionId: action.id,
        code: error.code,
      });
      return startAction(
        action,
        now,
      )({
        outcome: "failed",
        resultCode: error.code,
        requestSummary: action.summary,
        detail: error.details,
        error: { code: error.code, message: error.message },
      });
    }
  }

  async function verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
    const token = plan.actions.find(isTokenAction);
    const keys = plan.actions.filter(
      (a) => a.kind === GITHUB_ACTIONS.deleteDeployKey,
    );
    const alerts = plan.actions.filter(
      (a) => a.kind === GITHUB_ACTIONS.resolveAlert,
    );
    let unknownValidity = false;
    const probeDeps = { clients, now };

    const result = await probeUntil(
      async () => {
        const checks: ProbeCheck[] = [];
        if (token !== undefined) {
          const installation =
            token.kind === GITHUB_ACTIONS.deleteInstallationToken;
          checks.push(await probeToken(probeDeps, ctx.secret, installation));
        }
        for (const key of keys)
          checks.push(await probeDeployKey(probeDeps, key));
        for (const alert of alerts) {
          const validity = await probeAlertValidity(probeDeps, alert);
          if (validity === null) unknownValidity = true;
          else checks.push(validity);
        }
        return { answer: combineAnswers(checks.map((c) => c.answer)), checks };
      },
      {
        consecutive: config.probe.consecutiveInvalid,
        intervalMs: config.probe.intervalMs,
        deadlineMs: config.probe.deadlineMs,
        maxAttempts: config.probe.maxAttempts,
        sleep: deps.sleep ?? realSleep,
        now,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      },
    );
    if (unknownValidity)
      result.note =
        "GitHub reports no validity for the alert; proof rests on the other checks";
    ctx.logger.info("verification.answered", {
      target: config.id,
      answer: result.answer,
      attempts: result.attempts,
    });
    return result;
  }

  return {
    kind: "github",
    id: config.id,
    endpoint: () => Promise.resolve(config.baseUrl),
    plan: (identity, finding) => planGithub(config, identity, finding),
    execute: (action, ctx) =>
      guarded(action, ctx, () => {
        switch (action.kind) {
          case GITHUB_ACTIONS.revokeCredential:
            return revokeCredential(action, ctx, actionDeps);
          case GITHUB_ACTIONS.deleteInstallationToken:
            return deleteInstallationToken(action, ctx, actionDeps);
          case GITHUB_ACTIONS.deleteDeployKey:
            return deleteDeployKey(action, actionDeps);
          case GITHUB_ACTIONS.resolveAlert:
            return setAlertState(action, ctx, actionDeps, "resolved");
          default:
            throw unknownAction(action);
        }
      }),
    verify,
    undo: (action, ctx) =>
      guarded(action, ctx, async () => {
        if (action.kind === GITHUB_ACTIONS.resolveAlert)
          return setAlertState(action, ctx, actionDeps, "open");
        return startAction(
          action,
          now,
        )({
          outcome: "failed",
          resultCode: "UNDO_IMPOSSIBLE",
          requestSummary: action.undo ?? "none",
          error: {
            code: "UNDO_IMPOSSIBLE",
            message: `${action.kind} cannot be undone by closeloop: ${
              action.undo ?? "GitHub never reactivates a revoked credential"
            }`,
          },
        });
      }),
  };
}
