import pg from "pg";
import { resolveSecretRef } from "../../config/secret-ref.js";
import type { SecretValue } from "../../domain/secret.js";
import type { Logger } from "../../logging/logger.js";
import type { PostgresTargetConfig } from "./config.js";
import {
  PostgresTargetError,
  isTransientSqlstate,
  networkReasonOf,
  serverErrorOf,
  type ServerError,
} from "./errors.js";

/**
 * Runs `work` on a fresh admin connection and always closes it. One connection per call keeps a
 * terminated backend from poisoning a pool (reference targets.md §1.7, node-pg #1707).
 */
export async function withAdmin<T>(
  config: PostgresTargetConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const password = resolveSecretRef(
    config.admin.password,
    `targets.${config.id}.admin.password`,
    env,
  );
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.admin.user,
    password: password.reveal(),
    ssl: config.ssl ?? false,
    connectionTimeoutMillis: config.probe.connectTimeoutMs,
    application_name: "closeloop",
  });
  client.on("error", (error) => {
    logger.warn("postgres.admin.connection_error", {
      target: config.id,
      reason: serverErrorOf(error)?.sqlstate ?? networkReasonOf(error),
    });
  });

  try {
    await client.connect();
  } catch (cause) {
    await client.end().catch(() => undefined);
    throw adminConnectError(config, cause);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function adminConnectError(
  config: PostgresTargetConfig,
  cause: unknown,
): PostgresTargetError {
  const server = serverErrorOf(cause);
  const details = {
    target: config.id,
    host: config.host,
    port: config.port,
    sqlstate: server?.sqlstate ?? null,
    reason: server === null ? networkReasonOf(cause) : server.message,
  };
  if (server !== null && !isTransientSqlstate(server.sqlstate)) {
    return new PostgresTargetError(
      "POSTGRES_ADMIN_LOGIN_FAILED",
      `target ${config.id}: the admin role ${config.admin.user} cannot log in ` +
        `(SQLSTATE ${server.sqlstate}); check targets.${config.id}.admin`,
      { cause, details },
    );
  }
  return new PostgresTargetError(
    "POSTGRES_UNREACHABLE",
    `target ${config.id}: cannot connect to ${config.host}:${config.port}`,
    { cause, details, retryable: true },
  );
}

export type LoginAttempt =
  | { kind: "connected" }
  | { kind: "refused"; error: ServerError }
  | { kind: "unreachable"; reason: string };

/** One login as the role with the leaked value; pg itself never retries a connect. */
export async function attemptLogin(
  config: PostgresTargetConfig,
  role: string,
  secret: SecretValue,
): Promise<LoginAttempt> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: role,
    password: secret.reveal(),
    ssl: config.ssl ?? false,
    connectionTimeoutMillis: config.probe.connectTimeoutMs,
    application_name: "closeloop-probe",
  });
  client.on("error", () => undefined);

  try {
    await client.connect();
    return { kind: "connected" };
  } catch (cause) {
    const error = serverErrorOf(cause);
    if (error === null)
      return { kind: "unreachable", reason: networkReasonOf(cause) };
    return { kind: "refused", error };
  } finally {
    await client.end().catch(() => undefined);
  }
}
