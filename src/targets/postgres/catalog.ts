import type pg from "pg";
import { z } from "zod";
import { serverErrorOf } from "./errors.js";

const roleRow = z.object({ rolcanlogin: z.boolean(), rolsuper: z.boolean() });

export interface RoleState {
  canLogin: boolean;
  superuser: boolean;
}

/** The role as pg_roles shows it, or null when no such role exists. */
export async function readRole(
  client: pg.Client,
  role: string,
): Promise<RoleState | null> {
  const result = await client.query(
    "SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1",
    [role],
  );
  if (result.rows.length === 0) return null;
  const row = roleRow.parse(result.rows[0]);
  return { canLogin: row.rolcanlogin, superuser: row.rolsuper };
}

/**
 * Whether the role still has a password; null when pg_authid is not readable (only superusers
 * may read it, so on RDS and the like the answer is unknown).
 */
export async function readHasPassword(
  client: pg.Client,
  role: string,
): Promise<boolean | null> {
  try {
    const result = await client.query(
      "SELECT rolpassword IS NOT NULL AS has FROM pg_authid WHERE rolname = $1",
      [role],
    );
    const row = z.object({ has: z.boolean() }).safeParse(result.rows[0]);
    return row.success ? row.data.has : null;
  } catch (error) {
    if (serverErrorOf(error)?.sqlstate === "42501") return null;
    throw error;
  }
}

/** Backend pids of the role's sessions, closeloop's own connection excepted. */
export async function readSessionPids(
  client: pg.Client,
  role: string,
): Promise<number[]> {
  const result = await client.query(
    "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()",
    [role],
  );
  return z
    .array(z.object({ pid: z.number().int() }))
    .parse(result.rows)
    .map((row) => row.pid);
}

/**
 * Ends the role's sessions and waits up to 5 s for each to go; never closeloop's own backend
 * (reference targets.md §1.1, §1.7: node-pg #821). Answers the pids it signalled.
 */
export async function terminateSessions(
  client: pg.Client,
  role: string,
): Promise<number[]> {
  const result = await client.query(
    "SELECT pid, pg_terminate_backend(pid, 5000) FROM pg_stat_activity " +
      "WHERE usename = $1 AND pid <> pg_backend_pid()",
    [role],
  );
  return z
    .array(z.object({ pid: z.number().int() }))
    .parse(result.rows)
    .map((row) => row.pid);
}
