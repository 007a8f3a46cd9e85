import pg from "pg";
import type { LeakedPostgresLogin } from "./sample-project.js";

export interface LoginOutcome {
  loggedIn: boolean;
  /** What the server answered, as a code (`SQLSTATE 28000`): never the password. */
  observed: string;
}

/**
 * Tries the leaked login against the demo's server, as whoever found the leak would: the proof the
 * demo shows beside closeloop's own probe.
 */
export async function loginOutcome(
  server: { host: string; port: number },
  leaked: LeakedPostgresLogin,
): Promise<LoginOutcome> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: leaked.role,
    password: leaked.password.reveal(),
    database: leaked.database,
    connectionTimeoutMillis: 5_000,
  });
  client.on("error", () => undefined);

  try {
    await client.connect();
    await client.query("SELECT 1");
    return { loggedIn: true, observed: "connected" };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      loggedIn: false,
      observed:
        typeof code === "string" ? `SQLSTATE ${code}` : "connection refused",
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}
