import { InputError, isCloseloopError } from "../../domain/errors.js";
import type { Finding } from "../../domain/finding.js";
import type { Identity } from "../../domain/identity.js";
import type { Plan, PlannedAction } from "../../domain/plan.js";
import type { Logger } from "../../logging/logger.js";
import type {
  ActionResult,
  ProbeResult,
  TargetAdapter,
  TargetContext,
} from "../types.js";
import {
  actionParamsSchema,
  enableLogin,
  stampResult,
  STEPS,
} from "./actions.js";
import {
  postgresTargetSchema,
  type PostgresTargetConfig,
  type PostgresTargetInput,
} from "./config.js";
import { withAdmin } from "./connect.js";
import {
  PostgresTargetError,
  serverErrorOf,
  isTransientSqlstate,
} from "./errors.js";
import { POSTGRES_ACTIONS, planPostgresActions } from "./plan.js";
import { verifyUntilDeadline } from "./verify.js";

export interface PostgresTargetDeps {
  logger: Logger;
  env: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  now?: () => Date;
}

type Step = (typeof STEPS)[string];

/** The PostgreSQL target: disables a leaked role, ends its sessions and proves it (issue 2). */
export function createPostgresTarget(
  input: PostgresTargetInput,
  deps: PostgresTargetDeps,
): TargetAdapter {
  const parsed = postgresTargetSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(
      "CONFIG_INVALID",
      "postgres target configuration is invalid",
      {
        cause: parsed.error,
        details: {
          issues: parsed.error.issues.map((issue) => issue.path.join(".")),
        },
      },
    );
  }
  const config = parsed.data;
  const now = deps.now ?? (() => new Date());
  const sleep =
    deps.sleep ??
    ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const run = async (
    action: PlannedAction,
    ctx: TargetContext,
    step: Step,
  ): Promise<ActionResult> => {
    const role = roleOf(config, action);
    const startedAt = now();
    const logger = ctx.logger.child({ target: config.id, actionId: action.id });
    try {
      const answer = await withAdmin(config, deps.env, logger, (client) =>
        step(client, role),
      );
      const result = stampResult(action, answer, startedAt, now());
      logger.info("action.executed", {
        kind: action.kind,
        outcome: result.outcome,
        resultCode: result.resultCode,
      });
      return result;
    } catch (error) {
      const server = serverErrorOf(error);
      if (isCloseloopError(error)) throw error;
      if (server === null || isTransientSqlstate(server.sqlstate)) {
        throw new PostgresTargetError(
          "POSTGRES_CONNECTION_LOST",
          `target ${config.id}: the connection failed during ${action.kind}; safe to retry`,
          {
            cause: error,
            retryable: true,
            details: {
              actionId: action.id,
              sqlstate: server?.sqlstate ?? null,
            },
          },
        );
      }
      // A definite refusal by the server (42501, 42704, …) is the action's answer, not a crash.
      logger.warn("action.failed", {
        kind: action.kind,
        sqlstate: server.sqlstate,
      });
      return stampResult(
        action,
        {
          outcome: "failed",
          resultCode: `SQLSTATE_${server.sqlstate}`,
          requestSummary: action.summary,
          detail: server.detail === undefined ? {} : { detail: server.detail },
          error: { code: server.sqlstate, message: server.message },
        },
        startedAt,
        now(),
      );
    }
  };

  return {
    kind: "postgres",
    id: config.id,
    endpoint: () =>
      Promise.resolve(`${config.host}:${config.port}/${config.database}`),
    plan(identity: Identity, _finding: Finding): PlannedAction[] {
      return planPostgresActions(config, identity.principal);
    },
    async execute(action, ctx) {
      const step = STEPS[action.kind];
      if (step === undefined) throw unknownAction(config, action);
      return run(action, ctx, step);
    },
    async undo(action, ctx) {
      if (action.kind === POSTGRES_ACTIONS.disableLogin)
        return run(action, ctx, enableLogin);
      const at = now();
      return stampResult(
        action,
        {
          outcome: "failed",
          resultCode: "NOT_REVERSIBLE",
          requestSummary: "none",
          error: {
            code: "NOT_REVERSIBLE",
            message: action.undo ?? "cannot be undone",
          },
        },
        at,
        at,
      );
    },
    async verify(plan: Plan, ctx: TargetContext): Promise<ProbeResult> {
      return verifyUntilDeadline(
        config,
        { ...deps, now, sleep },
        plan.principal,
        ctx,
      );
    },
  };
}

function roleOf(config: PostgresTargetConfig, action: PlannedAction): string {
  const params = actionParamsSchema.safeParse(action.params);
  if (!params.success) {
    throw new InputError(
      "ACTION_PARAMS_INVALID",
      `action ${action.id} for target ${config.id} has no role parameter`,
      { details: { actionId: action.id, kind: action.kind } },
    );
  }
  if (params.data.role === config.admin.user) {
    throw new InputError(
      "ACTION_TARGETS_ADMIN",
      `action ${action.id} would act on ${config.id}'s own admin role; use another admin`,
      { details: { actionId: action.id } },
    );
  }
  return params.data.role;
}

function unknownAction(
  config: PostgresTargetConfig,
  action: PlannedAction,
): PostgresTargetError {
  return new PostgresTargetError(
    "ACTION_UNKNOWN",
    `target ${config.id} has no action ${action.kind}`,
    { details: { actionId: action.id, kind: action.kind } },
  );
}
