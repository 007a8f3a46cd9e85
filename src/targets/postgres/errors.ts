import pg from "pg";
import { CloseloopError } from "../../domain/errors.js";

/** A failure talking to a PostgreSQL target, with the SQLSTATE when the server sent one. */
export class PostgresTargetError extends CloseloopError {}

export interface ServerError {
  sqlstate: string;
  message: string;
  detail?: string;
  routine?: string;
}

/** The server's own error (pg `DatabaseError`), or null for network, TLS and client errors. */
export function serverErrorOf(error: unknown): ServerError | null {
  if (!(error instanceof pg.DatabaseError) || error.code === undefined) {
    return null;
  }
  return {
    sqlstate: error.code,
    message: error.message,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(error.routine === undefined ? {} : { routine: error.routine }),
  };
}

/** The network-level reason a connection failed, e.g. `ECONNREFUSED`; never a secret. */
export function networkReasonOf(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === "string" ? code : error.message;
  }
  return String(error);
}

/**
 * SQLSTATE classes that mean "try again later" rather than "this will never work": connection
 * exceptions (08), too many connections (53300), operator intervention such as a server starting
 * or shutting down (57P0x) (reference targets.md §1.2).
 */
export function isTransientSqlstate(sqlstate: string): boolean {
  return (
    sqlstate.startsWith("08") ||
    sqlstate === "53300" ||
    sqlstate.startsWith("57P")
  );
}

/** The 28000 that PostgreSQL raises for NOLOGIN, told apart from an hba reject (§1.2, §1.3). */
export function isLoginNotPermitted(error: ServerError): boolean {
  if (error.sqlstate !== "28000") return false;
  // `routine` does not depend on lc_messages; the message is the fallback for old servers.
  if (error.routine !== undefined) {
    return error.routine === "InitializeSessionUserId";
  }
  return error.message.includes("not permitted to log in");
}
