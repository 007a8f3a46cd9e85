import pg from "pg";
import { describe, expect, it } from "vitest";
import { POSTGRES_ACTIONS } from "../../../src/targets/postgres/index.js";
import {
  createLeakyRole,
  useEmbeddedPostgres,
} from "../../helpers/embedded-pg.js";
import { actionOf, canLogin, harness } from "./support.js";

describe("postgres target: disable login and end sessions", () => {
  const pgServer = useEmbeddedPostgres();

  it("disables login and proves it by a refused login (28000, password accepted)", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_a",
      password: "leaked-pass-a",
      database: "app",
    });
    const h = harness(server, "svc_a", "leaked-pass-a");

    const results = [];
    for (const action of h.plan.actions)
      results.push(await h.target.execute(action, h.ctx));
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(h.plan.actions.map((action) => action.kind)).toEqual([
      POSTGRES_ACTIONS.disableLogin,
      POSTGRES_ACTIONS.terminateSessions,
    ]);
    expect(results.map((result) => result.resultCode)).toEqual([
      "LOGIN_DISABLED",
      "NO_SESSIONS",
    ]);
    expect(await canLogin(server, "svc_a")).toBe(false);
    expect(proof.answer).toBe("invalid");
    expect(
      proof.checks.find((check) => check.name === "login")?.observed,
    ).toContain("SQLSTATE 28000");
    expect(proof.note).toContain("login blocked; password still authenticates");
  });

  it("answers already_done when the role is already disabled", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_b",
      password: "leaked-pass-b",
      database: "app",
    });
    const h = harness(server, "svc_b", "leaked-pass-b");
    const disable = actionOf(h.plan, POSTGRES_ACTIONS.disableLogin);

    const first = await h.target.execute(disable, h.ctx);
    const second = await h.target.execute(disable, h.ctx);

    expect(first.outcome).toBe("done");
    expect(second.outcome).toBe("already_done");
    expect(second.resultCode).toBe("ALREADY_DISABLED");
    expect(second.requestSummary).toBe('ALTER ROLE "svc_b" NOLOGIN');
  });

  it("terminates the role's open sessions after login is disabled", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_c",
      password: "leaked-pass-c",
      database: "app",
    });
    const victim = new pg.Client({
      host: server.host,
      port: server.port,
      user: "svc_c",
      password: "leaked-pass-c",
      database: "app",
    });
    const victimErrors: unknown[] = [];
    victim.on("error", (error) => victimErrors.push(error));
    await victim.connect();
    const pid = String(
      (
        (await victim.query("SELECT pg_backend_pid() AS pid")).rows[0] as {
          pid: number;
        }
      ).pid,
    );
    const h = harness(server, "svc_c", "leaked-pass-c");

    const before = await h.target.verify(h.plan, h.ctx);
    await h.target.execute(
      actionOf(h.plan, POSTGRES_ACTIONS.disableLogin),
      h.ctx,
    );
    const ended = await h.target.execute(
      actionOf(h.plan, POSTGRES_ACTIONS.terminateSessions),
      h.ctx,
    );
    const after = await h.target.verify(h.plan, h.ctx);

    expect(before.answer).toBe("valid");
    expect(ended.resultCode).toBe("SESSIONS_TERMINATED");
    expect(ended.responseIds).toEqual([pid]);
    await expect(victim.query("SELECT 1")).rejects.toThrow();
    expect(
      victimErrors.map((error) => (error as { code?: string }).code),
    ).toContain("57P01");
    expect(after.answer).toBe("invalid");
    expect(
      after.checks.find((check) => check.name === "sessions")?.observed,
    ).toBe("0 sessions in pg_stat_activity");
  });

  it("clears the password when asked, so the leaked password fails with 28P01", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_d",
      password: "leaked-pass-d",
      database: "app",
    });
    const h = harness(server, "svc_d", "leaked-pass-d", {
      rotatePassword: true,
    });
    const rotate = actionOf(h.plan, POSTGRES_ACTIONS.rotatePassword);

    for (const action of h.plan.actions) await h.target.execute(action, h.ctx);
    const again = await h.target.execute(rotate, h.ctx);
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(rotate.optional).toBe(true);
    expect(rotate.undo).toContain("cannot be restored");
    expect(again.resultCode).toBe("PASSWORD_ALREADY_NULL");
    expect(proof.answer).toBe("invalid");
    expect(proof.checks.find((check) => check.name === "login")?.observed).toBe(
      "SQLSTATE 28P01: password authentication failed",
    );
    expect(proof.note).toContain("password dead");
  });

  it("re-enables login on undo and says a new password is needed", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_e",
      password: "leaked-pass-e",
      database: "app",
    });
    const h = harness(server, "svc_e", "leaked-pass-e");
    const disable = actionOf(h.plan, POSTGRES_ACTIONS.disableLogin);
    await h.target.execute(disable, h.ctx);

    const undone = await h.target.undo!(disable, h.ctx);
    const ended = actionOf(h.plan, POSTGRES_ACTIONS.terminateSessions);
    const notUndone = await h.target.undo!(ended, h.ctx);

    expect(undone.resultCode).toBe("LOGIN_ENABLED");
    expect(await canLogin(server, "svc_e")).toBe(true);
    expect(notUndone.resultCode).toBe("NOT_REVERSIBLE");
  });

  it("quotes an odd role name everywhere and never writes the leaked value out", async () => {
    const { server } = pgServer;
    const role = 'svc"odd; DROP TABLE x';
    const leaked = "leaked'pass\"odd";
    await createLeakyRole(server, {
      role,
      password: leaked,
      database: "app",
      table: "odd_audit",
    });
    const h = harness(server, role, leaked, { rotatePassword: true });

    const results = [];
    for (const action of h.plan.actions)
      results.push(await h.target.execute(action, h.ctx));
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(h.plan.actions[0]?.summary).toContain(
      'ALTER ROLE "svc""odd; DROP TABLE x" NOLOGIN',
    );
    expect(results.map((result) => result.outcome)).toEqual([
      "done",
      "done",
      "already_done",
    ]);
    expect(proof.answer).toBe("invalid");
    const written = JSON.stringify([h.plan, results, proof, h.logger.lines]);
    expect(written).not.toContain(leaked);
    expect(written).not.toContain(server.adminPassword);
  });
});
