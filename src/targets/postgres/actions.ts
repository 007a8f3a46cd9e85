import pg from "pg";
import { z } from "zod";
import type { PlannedAction } from "../../domain/plan.js";
import type { ActionOutcome, ActionResult } from "../types.js";
import {
  readHasPassword,
  readRole,
  readSessionPids,
  terminateSessions,
} from "./catalog.js";
import { serverErrorOf } from "./errors.js";
import { POSTGRES_ACTIONS } from "./plan.js";

export const actionParamsSchema = z.object({ role: z.string().min(1) });

/** What one step answered, before times and ids are stamped on it. */
export interface StepAnswer {
  outcome: ActionOutcome;
  resultCode: string;
  requestSummary: string;
  responseIds?: string[];
  detail?: Record<string, unknown>;
  error?: { code: string; message: string };
}

type Step = (client: pg.Client, role: string) => Promise<StepAnswer>;

const absent = (summary: string): StepAnswer => ({
  outcome: "already_done",
  resultCode: "ROLE_ABSENT",
  requestSummary: summary,
  detail: { note: "the role does not exist, so nothing can log in as it" },
});

export const disableLogin: Step = async (client, role) => {
  const summary = `ALTER ROLE ${pg.escapeIdentifier(role)} NOLOGIN`;
  const state = await readRole(client, role);
  if (state === null) return absent(summary);
  if (!state.canLogin) {
    return {
      outcome: "already_done",
      resultCode: "ALREADY_DISABLED",
      requestSummary: summary,
    };
  }
  await client.query(summary);
  return {
    outcome: "done",
    resultCode: "LOGIN_DISABLED",
    requestSummary: summary,
  };
};

export const clearPassword: Step = async (client, role) => {
  const summary = `ALTER ROLE ${pg.escapeIdentifier(role)} PASSWORD NULL`;
  if ((await readRole(client, role)) === null) return absent(summary);
  if ((await readHasPassword(client, role)) === false) {
    return {
      outcome: "already_done",
      resultCode: "PASSWORD_ALREADY_NULL",
      requestSummary: summary,
    };
  }
  await client.query(summary);
  return {
    outcome: "done",
    resultCode: "PASSWORD_CLEARED",
    requestSummary: summary,
  };
};

export const endSessions: Step = async (client, role) => {
  const summary =
    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity " +
    `WHERE usename = ${pg.escapeLiteral(role)} AND pid <> pg_backend_pid()`;
  const signalled = await terminateSessions(client, role);
  if (signalled.length === 0) {
    return {
      outcome: "already_done",
      resultCode: "NO_SESSIONS",
      requestSummary: summary,
    };
  }
  const remaining = await readSessionPids(client, role);
  const responseIds = signalled.map(String);
  if (remaining.length > 0) {
    return {
      outcome: "failed",
      resultCode: "SESSIONS_REMAIN",
      requestSummary: summary,
      responseIds,
      detail: { terminated: signalled, remaining },
      error: {
        code: "SESSIONS_REMAIN",
        message: `${remaining.length} session(s) still open`,
      },
    };
  }
  return {
    outcome: "done",
    resultCode: "SESSIONS_TERMINATED",
    requestSummary: summary,
    responseIds,
    detail: { terminated: signalled },
  };
};

/**
 * DROP ROLE after making sure login is off. On 2BP01 the role stays disabled and the DETAIL lines
 * (what it owns, where it holds privileges) go into the result; DROP OWNED is never run (BR-28).
 */
export const dropRole: Step = async (client, role) => {
  const summary = `DROP ROLE ${pg.escapeIdentifier(role)}`;
  const state = await readRole(client, role);
  if (state === null) return absent(summary);
  if (state.canLogin)
    await client.query(`ALTER ROLE ${pg.escapeIdentifier(role)} NOLOGIN`);
  try {
    await client.query(summary);
  } catch (error) {
    const server = serverErrorOf(error);
    if (server?.sqlstate !== "2BP01") throw error;
    return {
      outcome: "failed",
      resultCode: "ROLE_DISABLED_NOT_DROPPED",
      requestSummary: summary,
      detail: {
        sqlstate: server.sqlstate,
        dependents: (server.detail ?? "")
          .split("\n")
          .filter((line) => line !== ""),
        note: "login stays disabled; DROP OWNED / REASSIGN OWNED are left to a DBA",
      },
      error: { code: "2BP01", message: server.message },
    };
  }
  return {
    outcome: "done",
    resultCode: "ROLE_DROPPED",
    requestSummary: summary,
  };
};

export const enableLogin: Step = async (client, role) => {
  const summary = `ALTER ROLE ${pg.escapeIdentifier(role)} LOGIN`;
  const state = await readRole(client, role);
  if (state === null) {
    return {
      outcome: "failed",
      resultCode: "ROLE_ABSENT",
      requestSummary: summary,
      error: { code: "ROLE_ABSENT", message: "the role no longer exists" },
    };
  }
  if (state.canLogin) {
    return {
      outcome: "already_done",
      resultCode: "ALREADY_ENABLED",
      requestSummary: summary,
    };
  }
  await client.query(summary);
  return {
    outcome: "done",
    resultCode: "LOGIN_ENABLED",
    requestSummary: summary,
    detail: {
      note: "a DBA must set a new password; the leaked one must not come back",
    },
  };
};

export const STEPS: Record<string, Step> = {
  [POSTGRES_ACTIONS.disableLogin]: disableLogin,
  [POSTGRES_ACTIONS.rotatePassword]: clearPassword,
  [POSTGRES_ACTIONS.terminateSessions]: endSessions,
  [POSTGRES_ACTIONS.dropRole]: dropRole,
};

export function stampResult(
  action: PlannedAction,
  answer: StepAnswer,
  startedAt: Date,
  finishedAt: Date,
): ActionResult {
  return {
    actionId: action.id,
    outcome: answer.outcome,
    resultCode: answer.resultCode,
    requestSummary: answer.requestSummary,
    responseIds: answer.responseIds ?? [],
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    detail: answer.detail ?? {},
    ...(answer.error === undefined ? {} : { error: answer.error }),
  };
}
