import { InputError } from "../../domain/errors.js";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import type { ProbeAnswer, ProbeCheck } from "../types.js";
import { readRole, readSessionPids } from "./catalog.js";
import type { PostgresTargetConfig } from "./config.js";
import { attemptLogin, withAdmin, type LoginAttempt } from "./connect.js";
import { isLoginNotPermitted, networkReasonOf } from "./errors.js";
import { readHbaVerdict, type HbaVerdict } from "./hba.js";

export interface ProbePass {
  answer: ProbeAnswer;
  checks: ProbeCheck[];
  note?: string;
}

interface Observation {
  answer: ProbeAnswer;
  observed: string;
}

/**
 * One look at the target: the hba rules, a login with the leaked value, pg_roles and
 * pg_stat_activity (reference targets.md §1.6). Proof needs all three of login, catalog and
 * sessions to say `invalid`; any `valid` means the credential or a session still lives.
 */
export async function probeOnce(
  config: PostgresTargetConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  role: string,
  secret: SecretValue | null,
  at: () => string,
): Promise<ProbePass> {
  const admin = await readAdminView(config, env, logger, role);
  const login =
    secret === null ? null : await attemptLogin(config, role, secret);

  const checks: ProbeCheck[] = [
    { name: "hba", ...admin.hba, at: at() },
    { name: "login", ...judgeLogin(login, admin.verdict), at: at() },
    { name: "catalog", ...admin.catalog, at: at() },
    { name: "sessions", ...admin.sessions, at: at() },
  ];
  const voting = checks.filter((check) => check.name !== "hba");
  const answer: ProbeAnswer = voting.some((check) => check.answer === "valid")
    ? "valid"
    : voting.every((check) => check.answer === "invalid")
      ? "invalid"
      : "indeterminate";

  const note = noteFor(login, admin.verdict);
  return note === undefined ? { answer, checks } : { answer, checks, note };
}

interface AdminView {
  verdict: HbaVerdict;
  hba: Observation;
  catalog: Observation;
  sessions: Observation;
}

async function readAdminView(
  config: PostgresTargetConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  role: string,
): Promise<AdminView> {
  try {
    return await withAdmin(config, env, logger, async (client) => {
      const verdict = await readHbaVerdict(client, role);
      const state = await readRole(client, role);
      const pids = await readSessionPids(client, role);
      return {
        verdict,
        hba: judgeHba(verdict),
        catalog:
          state === null
            ? { answer: "invalid", observed: "no such role in pg_roles" }
            : state.canLogin
              ? { answer: "valid", observed: "pg_roles.rolcanlogin = true" }
              : { answer: "invalid", observed: "pg_roles.rolcanlogin = false" },
        sessions:
          pids.length === 0
            ? { answer: "invalid", observed: "0 sessions in pg_stat_activity" }
            : {
                answer: "valid",
                observed: `${pids.length} session(s) open: pids ${pids.join(", ")}`,
              },
      };
    });
  } catch (error) {
    // A missing admin secret is a configuration fault to fix, not a probe answer.
    if (error instanceof InputError) throw error;
    const observed = `admin connection failed: ${networkReasonOf(error)}`;
    const unknown: Observation = { answer: "indeterminate", observed };
    return {
      verdict: { kind: "unknown", reason: observed },
      hba: unknown,
      catalog: unknown,
      sessions: unknown,
    };
  }
}

function judgeHba(verdict: HbaVerdict): Observation {
  switch (verdict.kind) {
    case "password-only":
      return {
        answer: "invalid",
        observed: `all ${verdict.rules} matching hba rule(s) ask for the password or reject`,
      };
    case "passwordless":
      return {
        answer: "indeterminate",
        observed: `hba line ${verdict.line ?? "?"} admits the role by ${verdict.method}`,
      };
    case "unknown":
      return { answer: "indeterminate", observed: verdict.reason };
  }
}

function judgeLogin(
  login: LoginAttempt | null,
  verdict: HbaVerdict,
): Observation {
  if (login === null) {
    return {
      answer: "indeterminate",
      observed: "no leaked value in custody; login not probed",
    };
  }
  if (login.kind === "connected") {
    return {
      answer: "valid",
      observed: "login with the leaked value succeeded",
    };
  }
  if (login.kind === "unreachable") {
    return {
      answer: "indeterminate",
      observed: `connection failed: ${login.reason}`,
    };
  }

  const { sqlstate } = login.error;
  const refused = judgeRefusal(
    login.error.sqlstate,
    isLoginNotPermitted(login.error),
  );
  // Under trust/peer/cert/ldap a refused password says nothing about the credential (§1.4).
  if (refused.answer === "invalid" && verdict.kind === "passwordless") {
    return {
      answer: "indeterminate",
      observed:
        `SQLSTATE ${sqlstate}, but hba line ${verdict.line ?? "?"} ` +
        `admits the role by ${verdict.method}`,
    };
  }
  return refused;
}

function judgeRefusal(sqlstate: string, notPermitted: boolean): Observation {
  if (sqlstate === "28P01") {
    return {
      answer: "invalid",
      observed: "SQLSTATE 28P01: password authentication failed",
    };
  }
  if (notPermitted) {
    return {
      answer: "invalid",
      observed: "SQLSTATE 28000: role is not permitted to log in",
    };
  }
  if (sqlstate === "28000") {
    return {
      answer: "indeterminate",
      observed: "SQLSTATE 28000 from hba: the probe path is rejected",
    };
  }
  if (sqlstate === "53300") {
    return {
      answer: "valid",
      observed:
        "SQLSTATE 53300: the password authenticated; only the connection limit stopped it",
    };
  }
  if (sqlstate === "42501") {
    // CONNECT is checked after authentication and after the NOLOGIN check (postinit.c).
    return {
      answer: "valid",
      observed:
        "SQLSTATE 42501: the role logged in but may not connect to this database",
    };
  }
  return { answer: "indeterminate", observed: `SQLSTATE ${sqlstate}` };
}

function noteFor(
  login: LoginAttempt | null,
  verdict: HbaVerdict,
): string | undefined {
  const notes: string[] = [];
  if (login?.kind === "refused" && login.error.sqlstate === "28P01") {
    notes.push(
      "password dead: the leaked password no longer authenticates (SQLSTATE 28P01)",
    );
  }
  if (login?.kind === "refused" && isLoginNotPermitted(login.error)) {
    notes.push(
      "login blocked; password still authenticates (SQLSTATE 28000): enabling login revives it",
    );
  }
  if (verdict.kind === "unknown") {
    notes.push(
      `hba rules unknown (${verdict.reason}): proof rests on NOLOGIN and no sessions`,
    );
  }
  return notes.length === 0 ? undefined : notes.join("; ");
}
