import { isCloseloopError } from "../../domain/errors.js";
import type { Plan, PlannedAction } from "../../domain/plan.js";
import { SecretValue } from "../../domain/secret.js";
import {
  startAction,
  stringParam,
  unknownAction,
} from "../guard/action-result.js";
import { parseTargetConfig } from "../guard/parse-config.js";
import { combineAnswers, probeUntil, realSleep } from "../guard/probe-loop.js";
import type { TargetDeps } from "../guard/target-deps.js";
import type {
  ActionResult,
  ProbeResult,
  TargetAdapter,
  TargetContext,
} from "../types.js";
import { SalesforceAdminClient } from "./client.js";
import { SalesforceTargetError } from "./errors.js";
import {
  removePermissionSets,
  restorePermissionSets,
} from "./permission-actions.js";
import { SALESFORCE_ACTIONS, planSalesforceActions } from "./plan.js";
import { probeToken } from "./probe.js";
import { postRevoke, revokeToken } from "./revoke.js";
import {
  salesforceTargetSchema,
  type SalesforceTargetInput,
} from "./schema.js";
import {
  endSessions,
  setActive,
  setFrozen,
  type UserActionDeps,
} from "./user-actions.js";
import { probeUserState } from "./user-probe.js";

export type SalesforceTargetDeps = TargetDeps;

/** The Salesforce target: revokes a leaked token, freezes or narrows its user, and proves it. */
export function createSalesforceTarget(
  input: SalesforceTargetInput,
  deps: SalesforceTargetDeps,
): TargetAdapter {
  const config = parseTargetConfig(salesforceTargetSchema, input, "salesforce");
  const now = deps.now ?? (() => new Date());
  const client = new SalesforceAdminClient(config, {
    env: deps.env,
    now,
    logger: deps.logger,
  });
  const userDeps: UserActionDeps = {
    client,
    targetId: config.id,
    apiPath: `/services/data/v${config.apiVersion}`,
    now,
  };

  /** Resolves the principal and refuses to act on the connector's own user. */
  async function principalOf(action: PlannedAction): Promise<string> {
    const principal = stringParam(action, "principal");
    const adminId = await client.adminUserId();
    const auth = config.auth;
    const isAdmin =
      principal === adminId ||
      (auth.type === "jwt" && principal === auth.username);
    if (isAdmin) {
      throw new SalesforceTargetError(
        "ACTION_TARGETS_ADMIN",
        `action ${action.id} would act on ${config.id}'s own connector user; use another user`,
        { details: { actionId: action.id } },
      );
    }
    return principal;
  }

  async function guarded(
    action: PlannedAction,
    ctx: TargetContext,
    run: () => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const logger = ctx.logger.child({ target: config.id, actionId: action.id });
    try {
      const result = await run();
      logger.info("action.executed", {
        kind: action.kind,
        outcome: result.outcome,
        resultCode: result.resultCode,
      });
      return result;
    } catch (error) {
      if (!isCloseloopError(error) || error.retryable) throw error;
      logger.warn("action.failed", { kind: action.kind, code: error.code });
      const errorCode = error.details.errorCode;
      return startAction(
        action,
        now,
      )({
        outcome: "failed",
        resultCode: typeof errorCode === "string" ? errorCode : error.code,
        requestSummary: action.summary,
        detail: error.details,
        error: { code: error.code, message: error.message },
      });
    }
  }

  async function execute(
    action: PlannedAction,
    ctx: TargetContext,
  ): Promise<ActionResult> {
    switch (action.kind) {
      case SALESFORCE_ACTIONS.revokeToken:
        return revokeToken(config, action, ctx, now);
      case SALESFORCE_ACTIONS.freezeUser:
        return setFrozen(userDeps, action, await principalOf(action), true);
      case SALESFORCE_ACTIONS.deactivateUser:
        return setActive(userDeps, action, await principalOf(action), false);
      case SALESFORCE_ACTIONS.endSessions:
        return endSessions(userDeps, action, await principalOf(action));
      case SALESFORCE_ACTIONS.removePermissionSets:
        return removePermissionSets(
          userDeps,
          action,
          await principalOf(action),
        );
      default:
        throw unknownAction(action);
    }
  }

  async function undo(action: PlannedAction): Promise<ActionResult> {
    switch (action.kind) {
      case SALESFORCE_ACTIONS.freezeUser:
        return setFrozen(userDeps, action, await principalOf(action), false);
      case SALESFORCE_ACTIONS.deactivateUser:
        return setActive(userDeps, action, await principalOf(action), true);
      case SALESFORCE_ACTIONS.removePermissionSets:
        return restorePermissionSets(
          userDeps,
          action,
          await principalOf(action),
        );
      default:
        return startAction(
          action,
          now,
        )({
          outcome: "failed",
          resultCode: "UNDO_IMPOSSIBLE",
          requestSummary: "none",
          error: {
            code: "UNDO_IMPOSSIBLE",
            message:
              action.kind === SALESFORCE_ACTIONS.revokeToken
                ? "a revoked Salesforce token cannot be restored; the integration re-authorises"
                : `${action.kind} cannot be undone: ended sessions stay ended`,
          },
        });
    }
  }

  async function verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
    const tokenPlanned = plan.actions.some(
      (a) => a.kind === SALESFORCE_ACTIONS.revokeToken,
    );
    const userActions = plan.actions.filter(
      (a) => a.kind !== SALESFORCE_ACTIONS.revokeToken,
    );
    const tokenDeps = {
      config,
      now,
      revokeMinted: async (token: string) => {
        await postRevoke(config, new SecretValue(token));
      },
    };

    const result = await probeUntil(
      async () => {
        const checks = tokenPlanned
          ? [await probeToken(tokenDeps, ctx.secret)]
          : [];
        if (userActions.length > 0) {
          checks.push(
            ...(await probeUserState(
              { client, targetId: config.id, now },
              plan.principal,
              userActions,
            )),
          );
        }
        return { answer: combineAnswers(checks.map((c) => c.answer)), checks };
      },
      {
        consecutive: config.probe.consecutive,
        intervalMs: config.probe.intervalMs,
        deadlineMs: config.probe.deadlineMs,
        maxAttempts: config.probe.maxAttempts,
        sleep: deps.sleep ?? realSleep,
        now,
        ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
      },
    );
    ctx.logger.info("verification.answered", {
      target: config.id,
      answer: result.answer,
      attempts: result.attempts,
    });
    return result;
  }

  return {
    kind: "salesforce",
    id: config.id,
    endpoint: () => Promise.resolve(config.instanceUrl),
    plan: (identity, finding) =>
      planSalesforceActions(config, identity.principal, finding),
    execute: (action, ctx) => guarded(action, ctx, () => execute(action, ctx)),
    undo: (action, ctx) => guarded(action, ctx, () => undo(action)),
    verify,
  };
}
