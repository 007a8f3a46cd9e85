import type pg from "pg";
import { z } from "zod";
import { serverErrorOf } from "./errors.js";

const PASSWORD_METHODS = new Set([
  "scram-sha-256",
  "md5",
  "password",
  "reject",
]);

const ruleRow = z.object({
  line_number: z.number().int().nullable(),
  type: z.string().nullable(),
  user_name: z.array(z.string()).nullable(),
  auth_method: z.string().nullable(),
  error: z.string().nullable(),
});

export type HbaVerdict =
  | { kind: "password-only"; rules: number }
  | { kind: "passwordless"; line: number | null; method: string }
  | { kind: "unknown"; reason: string };

/**
 * Whether every pg_hba rule that can match the role asks for the PostgreSQL password (or rejects),
 * so a refused password login means something (reference targets.md §1.4). The database column
 * is ignored on purpose: whoever holds the credential picks the database.
 */
export async function readHbaVerdict(
  client: pg.Client,
  role: string,
): Promise<HbaVerdict> {
  let rows: unknown[];
  let groups: string[];
  try {
    rows = (await client.query("SELECT * FROM pg_hba_file_rules")).rows;
    const member = await client.query(
      "SELECT g.rolname FROM pg_roles g, pg_roles u " +
        "WHERE u.rolname = $1 AND pg_has_role(u.oid, g.oid, 'MEMBER')",
      [role],
    );
    groups = z
      .array(z.object({ rolname: z.string() }))
      .parse(member.rows)
      .map((row) => row.rolname);
  } catch (error) {
    const sqlstate = serverErrorOf(error)?.sqlstate;
    if (sqlstate === undefined) throw error;
    // 42501: only superusers may read the view by default (RDS, Cloud SQL).
    return {
      kind: "unknown",
      reason: `pg_hba_file_rules not readable (SQLSTATE ${sqlstate})`,
    };
  }

  const rules = z.array(ruleRow).parse(rows);
  // The view shows the file on disk; with an error in it the server still runs the old rules.
  const broken = rules.find((rule) => rule.error !== null);
  if (broken) {
    return {
      kind: "unknown",
      reason: `pg_hba.conf line ${broken.line_number} has an error`,
    };
  }

  const matching = rules.filter((rule) =>
    matchesUser(rule.user_name ?? [], role, groups),
  );
  const open = matching.find(
    (rule) => !PASSWORD_METHODS.has(rule.auth_method ?? ""),
  );
  if (open) {
    return {
      kind: "passwordless",
      line: open.line_number,
      method: open.auth_method ?? "?",
    };
  }
  return { kind: "password-only", rules: matching.length };
}

function matchesUser(users: string[], role: string, groups: string[]): boolean {
  return users.some((user) => {
    if (user === "all" || user === role) return true;
    if (user.startsWith("+")) return groups.includes(user.slice(1));
    // A regular expression (PG16+): JavaScript's dialect is close; when unsure, count it.
    if (user.startsWith("/")) return matchesPattern(user.slice(1), role);
    return false;
  });
}

function matchesPattern(pattern: string, role: string): boolean {
  try {
    return new RegExp(pattern).test(role);
  } catch {
    return true;
  }
}
