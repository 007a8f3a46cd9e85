import pg from "pg";
import type { Finding } from "../../../src/domain/finding.js";
import type { Identity } from "../../../src/domain/identity.js";
import {
  makePlan,
  type Plan,
  type PlannedAction,
} from "../../../src/domain/plan.js";
import { SecretValue } from "../../../src/domain/secret.js";
import type { LogFields, Logger } from "../../../src/logging/logger.js";
import type { EmbeddedPostgresServer } from "../../../src/sandbox/postgres/embedded.js";
import {
  createPostgresTarget,
  type PostgresTargetInput,
} from "../../../src/targets/postgres/index.js";
import type {
  TargetAdapter,
  TargetContext,
} from "../../../src/targets/types.js";

/** A logger that keeps every event, so a test can assert no secret reached it. */
export function recordingLogger(): Logger & { lines: unknown[] } {
  const lines: unknown[] = [];
  const make = (bound: LogFields): Logger & { lines: unknown[] } => ({
    lines,
    debug: (event, fields) =>
      lines.push({ level: "debug", event, ...bound, ...fields }),
    info: (event, fields) =>
      lines.push({ level: "info", event, ...bound, ...fields }),
    warn: (event, fields) =>
      lines.push({ level: "warn", event, ...bound, ...fields }),
    error: (event, fields) =>
      lines.push({ level: "error", event, ...bound, ...fields }),
    child: (fields) => make({ ...bound, ...fields }),
  });
  return make({});
}

export function finding(role: string): Finding {
  return {
    fingerprint: `fp-${role}`,
    kind: "secret",
    source: "secretlint",
    sources: ["secretlint"],
    detector: "postgres-connection-string",
    status: "open",
    title: "PostgreSQL password in config",
    severity: "high",
    preview: "le********-1",
    locations: [{ source: "secretlint", file: "config/db.env" }],
    hints: { postgres: { host: "127.0.0.1", user: role } },
    tags: [],
    detectedAt: "2026-01-01T00:00:00.000Z",
  };
}

export interface Harness {
  target: TargetAdapter;
  logger: ReturnType<typeof recordingLogger>;
  identity: Identity;
  plan: Plan;
  ctx: TargetContext;
}

export function harness(
  server: EmbeddedPostgresServer,
  role: string,
  leaked: string | null,
  overrides: Partial<PostgresTargetInput> = {},
): Harness {
  const logger = recordingLogger();
  const target = createPostgresTarget(
    {
      id: "pg-test",
      kind: "postgres",
      host: server.host,
      port: server.port,
      database: "app",
      admin: { user: server.adminUser, password: { env: "PG_ADMIN_PASSWORD" } },
      probe: { deadlineMs: 0, intervalMs: 50 },
      ...overrides,
    },
    { logger, env: { PG_ADMIN_PASSWORD: server.adminPassword } },
  );
  const identity: Identity = {
    targetId: "pg-test",
    targetKind: "postgres",
    principal: role,
  };
  const found = finding(role);
  const actions = target.plan(identity, found);
  const plan = makePlan({
    findingFingerprint: found.fingerprint,
    targetId: "pg-test",
    targetKind: "postgres",
    principal: role,
    actions,
  });
  const secret = leaked === null ? null : new SecretValue(leaked);
  return {
    target,
    logger,
    identity,
    plan,
    ctx: { finding: found, identity, secret, logger },
  };
}

export function actionOf(plan: Plan, kind: string): PlannedAction {
  const action = plan.actions.find((candidate) => candidate.kind === kind);
  if (action === undefined) throw new Error(`no ${kind} in the plan`);
  return action;
}

export async function asAdmin<T>(
  server: EmbeddedPostgresServer,
  work: (client: pg.Client) => Promise<T>,
  database = "app",
): Promise<T> {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword,
    database,
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function canLogin(
  server: EmbeddedPostgresServer,
  role: string,
): Promise<boolean> {
  const rows = await asAdmin(server, (client) =>
    client.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", [role]),
  );
  return (
    (rows.rows[0] as { rolcanlogin: boolean } | undefined)?.rolcanlogin ?? false
  );
}
