import { isCloseloopError } from "../../domain/errors.js";
import type { Finding } from "../../domain/finding.js";
import type { Identity } from "../../domain/identity.js";
import type { Plan, PlannedAction } from "../../domain/plan.js";
import { startAction, unknownAction } from "../guard/action-result.js";
import { combineAnswers, probeUntil, realSleep } from "../guard/probe-loop.js";
import { parseTargetConfig } from "../guard/parse-config.js";
import type { TargetDeps } from "../guard/target-deps.js";
import type {
  ActionResult,
  ProbeCheck,
  ProbeResult,
  TargetAdapter,
  TargetContext,
} from "../types.js";
import { createAwsClients } from "./client.js";
import {
  deactivateKey,
  deleteKey,
  reactivateKey,
  type AwsActionDeps,
} from "./key-actions.js";
import { AWS_ACTIONS, planAwsIam } from "./plan.js";
import { planAwsIamLive, readConnectorAccount } from "./plan-live.js";
import {
  probeKeyReadBack,
  probeKeyWithSts,
  probeScopeReadBack,
  probeScopeSimulation,
} from "./probe.js";
import { awsIamTargetSchema, type AwsIamTargetInput } from "./schema.js";
import { deleteInlinePolicy, setPolicyAttachment } from "./scope-actions.js";

const KEY_KINDS: string[] = [AWS_ACTIONS.deactivateKey, AWS_ACTIONS.deleteKey];

/** An AWS IAM target: key deactivation then deletion, scope reduction, and their proofs. */
export function createAwsIamTarget(
  input: AwsIamTargetInput,
  deps: TargetDeps,
): TargetAdapter {
  const config = parseTargetConfig(awsIamTargetSchema, input, "aws-iam");
  const clients = createAwsClients(config, deps.env);
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const actionDeps: AwsActionDeps = { iam: clients.iam, now };
  const liveDeps = {
    config,
    clients,
    now,
    connectorAccount: readConnectorAccount(clients),
  };

  /** Non-retryable failures become a `failed` result; transient ones are thrown for a retry. */
  async function guarded(
    action: PlannedAction,
    ctx: TargetContext,
    run: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const finish = startAction(action, now);
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
      return finish({
        outcome: "failed",
        resultCode: error.code,
        requestSummary: action.summary,
        detail: error.details,
        error: { code: error.code, message: error.message },
      });
    }
  }

  async function verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
    const keyAction = plan.actions.find((a) => KEY_KINDS.includes(a.kind));
    const scopeActions = plan.actions.filter(
      (a) => !KEY_KINDS.includes(a.kind),
    );
    const noSecret = keyAction !== undefined && ctx.secret === null;

    const result = await probeUntil(
      async () => {
        const checks: ProbeCheck[] = [];
        if (keyAction !== undefined) {
          const userName = String(keyAction.params.userName);
          const keyId = String(keyAction.params.accessKeyId);
          checks.push(
            await probeKeyReadBack({ clients, now }, userName, keyId),
          );
          if (ctx.secret !== null) {
            checks.push(
              await probeKeyWithSts({ clients, now }, keyId, ctx.secret),
            );
          } else if (config.probe.requireSecret) {
            checks.push({
              name: "sts.get-caller-identity",
              answer: "indeterminate",
              observed: "no secret in custody",
              at: now().toISOString(),
            });
          }
        }
        checks.push(
          ...(await probeScopeReadBack({ clients, now }, scopeActions)),
        );
        const probeActions = config.scopeReduction?.probeActions ?? [];
        const first = scopeActions[0];
        if (first !== undefined && probeActions.length > 0) {
          const userName = String(first.params.userName);
          checks.push(
            await probeScopeSimulation(
              { clients, now },
              userName,
              probeActions,
            ),
          );
        }
        ctx.logger.debug("verification.round", {
          target: config.id,
          checks: checks.length,
        });
        return { answer: combineAnswers(checks.map((c) => c.answer)), checks };
      },
      {
        consecutive: config.probe.consecutiveInvalid,
        intervalMs: config.probe.intervalMs,
        deadlineMs: config.probe.deadlineMs,
        maxAttempts: config.probe.maxAttempts,
        sleep,
        now,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      },
    );
    if (noSecret && !config.probe.requireSecret) {
      result.note =
        "no secret in custody: STS probe skipped, proof rests on the IAM read-back";
    }
    ctx.logger.info("verification.answered", {
      target: config.id,
      answer: result.answer,
      attempts: result.attempts,
    });
    return result;
  }

  return {
    kind: "aws-iam",
    id: config.id,
    endpoint: async () => {
      // IAM is global to the account; the region and any endpoint override name where STS and
      // IAM are asked, so a simulator or another partition is never taken for the same account.
      const account = (await liveDeps.connectorAccount()) || "(unknown)";
      const via =
        config.endpoints.iam === undefined
          ? ""
          : ` via ${config.endpoints.iam}`;
      return `account ${account} (${config.region})${via}`;
    },
    plan: (identity: Identity, finding: Finding) =>
      planAwsIam(config, identity, finding, now()),
    planLive: (identity: Identity, finding: Finding) =>
      planAwsIamLive(liveDeps, identity, finding),
    execute: (action, ctx) =>
      guarded(action, ctx, () => {
        switch (action.kind) {
          case AWS_ACTIONS.deactivateKey:
            return deactivateKey(action, actionDeps);
          case AWS_ACTIONS.deleteKey:
            return deleteKey(action, actionDeps);
          case AWS_ACTIONS.attachDenyAll:
            return setPolicyAttachment(action, actionDeps, "attached");
          case AWS_ACTIONS.detachPolicy:
            return setPolicyAttachment(action, actionDeps, "detached");
          case AWS_ACTIONS.deleteInlinePolicy:
            return deleteInlinePolicy(action, actionDeps);
          default:
            throw unknownAction(action);
        }
      }),
    verify,
    undo: (action, ctx) =>
      guarded(action, ctx, async () => {
        switch (action.kind) {
          case AWS_ACTIONS.deactivateKey:
            return reactivateKey(action, actionDeps);
          case AWS_ACTIONS.attachDenyAll:
            return setPolicyAttachment(action, actionDeps, "detached");
          case AWS_ACTIONS.detachPolicy:
            return setPolicyAttachment(action, actionDeps, "attached");
          default:
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
                  action.undo ?? "irreversible"
                }`,
              },
            });
        }
      }),
  };
}
