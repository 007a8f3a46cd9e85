import pg from "pg";
import { SecretValue } from "../../domain/secret.js";
import { scramVerifier } from "../../targets/postgres/scram.js";

export interface PostgresAdminLogin {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
}

export interface LeakyRoleOptions {
  role: string;
  password: string | SecretValue;
  /** Created when missing. */
  database: string;
  /** The table the role owns; `<role>_audit` by default. */
  table?: string;
}

export interface LeakyRole {
  role: string;
  database: string;
  /** Qualified and quoted, e.g. `public."svc_leaky_audit"`. */
  table: string;
}

/**
 * Creates the role a demo or test leaks: it can log in with the given password, may connect to the
 * database and owns a table there (which is what makes a later DROP ROLE fail with 2BP01, BR-28).
 */
export async function createLeakyRole(
  admin: PostgresAdminLogin,
  options: LeakyRoleOptions,
): Promise<LeakyRole> {
  const password =
    typeof options.password === "string"
      ? new SecretValue(options.password)
      : options.password;
  const role = pg.escapeIdentifier(options.role);
  const database = pg.escapeIdentifier(options.database);
  const table = `public.${pg.escapeIdentifier(options.table ?? `${options.role}_audit`)}`;

  await withAdmin(admin, "postgres", async (client) => {
    const exists = await client.query(
      "SELECT 1 FROM pg_database WHERE datname = $1",
      [options.database],
    );
    if (exists.rowCount === 0)
      await client.query(`CREATE DATABASE ${database}`);
    // Utility statements take no bind parameters; the verifier, not the password, is in the text.
    await client.query(
      `CREATE ROLE ${role} LOGIN PASSWORD ${pg.escapeLiteral(scramVerifier(password))}`,
    );
    await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
  });

  await withAdmin(admin, options.database, async (client) => {
    await client.query(
      `CREATE TABLE ${table} (id serial PRIMARY KEY, note text NOT NULL)`,
    );
    await client.query(`ALTER TABLE ${table} OWNER TO ${role}`);
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  });

  return { role: options.role, database: options.database, table };
}

async function withAdmin(
  admin: PostgresAdminLogin,
  database: string,
  work: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const client = new pg.Client({
    host: admin.host,
    port: admin.port,
    user: admin.adminUser,
    password: admin.adminPassword,
    database,
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
