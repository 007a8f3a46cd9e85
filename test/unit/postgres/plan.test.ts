import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/domain/errors.js";
import { silentLogger } from "../../../src/logging/logger.js";
import {
  createPostgresTarget,
  planPostgresActions,
  postgresTargetSchema,
  POSTGRES_ACTIONS,
} from "../../../src/targets/postgres/index.js";

const base = {
  id: "pg-prod",
  kind: "postgres" as const,
  host: "db.internal",
  database: "app",
  admin: { user: "closeloop_admin", password: { env: "PG_ADMIN" } },
};

describe("postgres target configuration", () => {
  it("fills the defaults: port 5432, no rotation, no drop, a 30 s probe every second", () => {
    const config = postgresTargetSchema.parse(base);

    expect(config.port).toBe(5432);
    expect(config.rotatePassword).toBe(false);
    expect(config.dropRole).toBe(false);
    expect(config.probe).toEqual({
      deadlineMs: 30_000,
      intervalMs: 1_000,
      connectTimeoutMs: 5_000,
    });
  });

  it("rejects an inline admin password and names the path", () => {
    const input = { ...base, admin: { user: "a", password: "hunter2" } };

    const create = (): unknown =>
      createPostgresTarget(input as never, { logger: silentLogger, env: {} });

    expect(create).toThrow(InputError);
    try {
      create();
    } catch (error) {
      expect((error as InputError).details["issues"]).toContain(
        "admin.password",
      );
      expect(JSON.stringify((error as InputError).details)).not.toContain(
        "hunter2",
      );
    }
  });
});

describe("postgres plan", () => {
  it("plans NOLOGIN then session termination by default, with a quoted role", () => {
    const config = postgresTargetSchema.parse(base);

    const actions = planPostgresActions(config, 'svc"odd');

    expect(
      actions.map((action) => [action.id, action.kind, action.optional]),
    ).toEqual([
      ["a1", POSTGRES_ACTIONS.disableLogin, false],
      ["a2", POSTGRES_ACTIONS.terminateSessions, false],
    ]);
    expect(actions[0]?.summary).toContain(
      'ALTER ROLE "svc""odd" NOLOGIN on pg-prod (db.internal:5432)',
    );
    expect(actions[0]?.undo).toContain("new password");
    expect(actions[1]?.undo).toBeNull();
    expect(actions[1]?.summary).toContain("except closeloop's own");
    expect(actions.every((action) => action.params["role"] === 'svc"odd')).toBe(
      true,
    );
  });

  it("follows the BR-28 order when rotation and drop are asked for", () => {
    const config = postgresTargetSchema.parse({
      ...base,
      rotatePassword: true,
      dropRole: true,
    });

    const actions = planPostgresActions(config, "svc_leaky");

    expect(actions.map((action) => action.kind)).toEqual([
      POSTGRES_ACTIONS.disableLogin,
      POSTGRES_ACTIONS.rotatePassword,
      POSTGRES_ACTIONS.terminateSessions,
      POSTGRES_ACTIONS.dropRole,
    ]);
    expect(actions[1]?.summary).toContain(
      'ALTER ROLE "svc_leaky" PASSWORD NULL',
    );
    expect(actions[1]?.undo).toContain("cannot be restored");
    expect(actions[3]?.summary).toContain(
      "DROP OWNED and REASSIGN OWNED are never run",
    );
    expect(actions[3]?.optional).toBe(true);
  });

  it("plans the same actions for the same input, so the plan hash is stable", () => {
    const config = postgresTargetSchema.parse(base);

    expect(planPostgresActions(config, "svc_a")).toEqual(
      planPostgresActions(config, "svc_a"),
    );
  });
});
