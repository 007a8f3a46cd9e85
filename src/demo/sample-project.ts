import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CloseloopError } from "../domain/errors.js";
import { SecretValue } from "../domain/secret.js";
import { parsePostgresDsn } from "../ingest/index.js";

/** The credential the sample project leaks, as the demo's PostgreSQL server must accept it. */
export interface LeakedPostgresLogin {
  /** The host named in the leak (`db.payments.internal`), mapped to the embedded server. */
  host: string;
  role: string;
  database: string;
  password: SecretValue;
}

export const SAMPLE_PROJECT = join("examples", "leaky-service");
const LEAK_FILE = join("config", "production.env");

/**
 * Reads the leaked DATABASE_URL from the sample project, so the role the demo creates is exactly
 * the one the scanner will report. The password goes straight into a SecretValue.
 */
export function readLeakedLogin(projectDir: string): LeakedPostgresLogin {
  const file = join(projectDir, LEAK_FILE);
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("DATABASE_URL="));
  const dsn =
    line === undefined
      ? null
      : parsePostgresDsn(line.slice("DATABASE_URL=".length));

  if (dsn === null || dsn.database === undefined) {
    throw new CloseloopError(
      "DEMO_SAMPLE_BROKEN",
      `${file}: expected a line DATABASE_URL=postgres://user:password@host:port/database`,
      { details: { file } },
    );
  }
  return {
    host: dsn.host,
    role: dsn.user,
    database: dsn.database,
    password: new SecretValue(dsn.password),
  };
}
