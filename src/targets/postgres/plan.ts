import pg from "pg";
import type { PlannedAction } from "../../domain/plan.js";
import type { PostgresTargetConfig } from "./config.js";

export const POSTGRES_ACTIONS = {
  disableLogin: "postgres.disable-login",
  rotatePassword: "postgres.rotate-password",
  terminateSessions: "postgres.terminate-sessions",
  dropRole: "postgres.drop-role",
} as const;

export type PostgresActionKind =
  (typeof POSTGRES_ACTIONS)[keyof typeof POSTGRES_ACTIONS];

type Draft = Omit<PlannedAction, "id" | "params">;

/**
 * The actions for one role, in the order BR-28 sets: NOLOGIN, then PASSWORD NULL, then end the
 * sessions (after NOLOGIN, so a killed client cannot log straight back in), then an optional drop.
 * Written for a change manager: each line names the statement, the role and the server.
 */
export function planPostgresActions(
  config: PostgresTargetConfig,
  role: string,
): PlannedAction[] {
  const r = pg.escapeIdentifier(role);
  const where = `on ${config.id} (${config.host}:${config.port})`;
  const drafts: Draft[] = [
    {
      kind: POSTGRES_ACTIONS.disableLogin,
      summary: `ALTER ROLE ${r} NOLOGIN ${where}: the role can no longer start sessions`,
      impact:
        `Every new connection as ${r} is refused (SQLSTATE 28000); applications, jobs and ` +
        "pools using it fail at their next connect. Open sessions are ended by a later step.",
      verification:
        `pg_roles.rolcanlogin is false for ${r}, and a login with the leaked password is ` +
        "refused (SQLSTATE 28P01 or 28000).",
      undo:
        `A DBA sets a new password (ALTER ROLE ${r} PASSWORD …), hands it to the owner, ` +
        `then runs ALTER ROLE ${r} LOGIN. Re-enabling login without a new password revives ` +
        "the leaked one.",
      optional: false,
    },
  ];
  if (config.rotatePassword) {
    drafts.push({
      kind: POSTGRES_ACTIONS.rotatePassword,
      summary:
        `ALTER ROLE ${r} PASSWORD NULL ${where}: removes the password, so the leaked ` +
        "password no longer authenticates; no new password is issued",
      impact: `Password logins as ${r} fail (SQLSTATE 28P01) even if login is enabled again.`,
      verification:
        "A login with the leaked password is refused with SQLSTATE 28P01 (password " +
        "authentication failed), not only 28000.",
      undo:
        "The old password cannot be restored (it is the leaked one, and PASSWORD NULL keeps no " +
        `copy). A DBA sets a new one with ALTER ROLE ${r} PASSWORD … and hands it to the owner.`,
      optional: true,
    });
  }
  drafts.push({
    kind: POSTGRES_ACTIONS.terminateSessions,
    summary:
      `SELECT pg_terminate_backend(pid, 5000) for every session of ${r} in ` +
      `pg_stat_activity ${where}, except closeloop's own`,
    impact:
      `Open sessions of ${r} end at once (clients get SQLSTATE 57P01) and their ` +
      "uncommitted transactions roll back.",
    verification: `No row for ${r} remains in pg_stat_activity.`,
    undo: null,
    optional: false,
  });
  if (config.dropRole) {
    drafts.push({
      kind: POSTGRES_ACTIONS.dropRole,
      summary:
        `DROP ROLE ${r} ${where}, after login is disabled; DROP OWNED and REASSIGN OWNED ` +
        "are never run",
      impact:
        `The role and its grants disappear. While ${r} owns objects or holds privileges the ` +
        "drop fails with SQLSTATE 2BP01 and the role stays disabled (ROLE_DISABLED_NOT_DROPPED).",
      verification: `pg_roles has no row for ${r}.`,
      undo: null,
      optional: true,
    });
  }

  return drafts.map((draft, index) => ({
    ...draft,
    id: `a${index + 1}`,
    params: { role, target: config.id },
  }));
}
