import { describe, expect, it } from "vitest";
import { POSTGRES_ACTIONS } from "../../../src/targets/postgres/index.js";
import {
  createLeakyRole,
  useEmbeddedPostgres,
} from "../../helpers/embedded-pg.js";
import { actionOf, asAdmin, canLogin, harness } from "./support.js";

describe("postgres target: BR-28, dropping a role that owns objects", () => {
  const pgServer = useEmbeddedPostgres();

  it("does not plan a DROP ROLE unless the target asks for it", () => {
    const { server } = pgServer;

    const h = harness(server, "svc_plain", "x");

    expect(h.plan.actions.map((action) => action.kind)).not.toContain(
      POSTGRES_ACTIONS.dropRole,
    );
  });

  it("answers ROLE_DISABLED_NOT_DROPPED with the DETAIL lines, table untouched", async () => {
    const { server } = pgServer;
    const leaky = await createLeakyRole(server, {
      role: "svc_leaky",
      password: "leaked-leaky",
      database: "app",
      table: "audit_tmp",
    });
    const h = harness(server, "svc_leaky", "leaked-leaky", {
      rotatePassword: true,
      dropRole: true,
    });

    const results = [];
    for (const action of h.plan.actions)
      results.push(await h.target.execute(action, h.ctx));
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(h.plan.actions.map((action) => action.kind)).toEqual([
      POSTGRES_ACTIONS.disableLogin,
      POSTGRES_ACTIONS.rotatePassword,
      POSTGRES_ACTIONS.terminateSessions,
      POSTGRES_ACTIONS.dropRole,
    ]);
    const dropped = results[3]!;
    expect(dropped.outcome).toBe("failed");
    expect(dropped.resultCode).toBe("ROLE_DISABLED_NOT_DROPPED");
    expect(dropped.error?.code).toBe("2BP01");
    expect(dropped.detail["dependents"]).toContain("owner of table audit_tmp");
    expect(await canLogin(server, "svc_leaky")).toBe(false);
    const owner = await asAdmin(server, (client) =>
      client.query(
        `SELECT tableowner FROM pg_tables WHERE schemaname || '.' || tablename = $1`,
        [leaky.table.replaceAll('"', "")],
      ),
    );
    expect(owner.rows).toEqual([{ tableowner: "svc_leaky" }]);
    expect(proof.answer).toBe("invalid");
  });

  it("drops a role that owns nothing, and a repeat finds it absent", async () => {
    const { server } = pgServer;
    await asAdmin(server, (client) =>
      client.query("CREATE ROLE svc_bare LOGIN PASSWORD NULL"),
    );
    const h = harness(server, "svc_bare", "anything", { dropRole: true });
    const drop = actionOf(h.plan, POSTGRES_ACTIONS.dropRole);

    const first = await h.target.execute(drop, h.ctx);
    const second = await h.target.execute(drop, h.ctx);
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(first.resultCode).toBe("ROLE_DROPPED");
    expect(second.resultCode).toBe("ROLE_ABSENT");
    expect(second.outcome).toBe("already_done");
    expect(proof.answer).toBe("invalid");
    expect(
      proof.checks.find((check) => check.name === "catalog")?.observed,
    ).toBe("no such role in pg_roles");
  });
});
