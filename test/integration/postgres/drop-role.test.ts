import { describe, expect, it } from "vitest";
import { makePlan } from "../../../src/domain/plan.js";
import { buildEvidence } from "../../../src/evidence/document.js";
import { EvidenceSigner } from "../../../src/evidence/signer.js";
import { POSTGRES_ACTIONS } from "../../../src/targets/postgres/index.js";
import type { ActionResult } from "../../../src/targets/types.js";
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

  it("keeps every DETAIL line in the evidence, never runs DROP OWNED, and closes as revoked (login disabled)", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_deps",
      password: "leaked-deps",
      database: "app",
      table: "audit_deps",
    });
    await asAdmin(server, async (client) => {
      await client.query("CREATE VIEW public.stats_deps AS SELECT 1 AS one");
      await client.query("GRANT SELECT ON public.stats_deps TO svc_deps");
    });
    const h = harness(server, "svc_deps", "leaked-deps", { dropRole: true });
    const results: ActionResult[] = [];
    for (const action of h.plan.actions)
      results.push(await h.target.execute(action, h.ctx));
    const proof = await h.target.verify(h.plan, h.ctx);

    const dropped = results.find(
      (r) => r.resultCode === "ROLE_DISABLED_NOT_DROPPED",
    );
    // Every DETAIL line of the 2BP01, database and schema grants and owned objects alike.
    expect(dropped?.detail["dependents"]).toEqual(
      expect.arrayContaining([
        "privileges for database app",
        "privileges for schema public",
        "privileges for view stats_deps",
        "owner of table audit_deps",
        "owner of sequence audit_deps_id_seq",
      ]),
    );
    expect(dropped?.detail["dependents"]).toHaveLength(5);
    // DROP OWNED (or REASSIGN OWNED) would have dropped the table and revoked the grant.
    const kept = await asAdmin(server, (client) =>
      client.query(
        `SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'audit_deps') AS owner,
                has_table_privilege('svc_deps', 'public.stats_deps', 'SELECT') AS granted`,
      ),
    );
    expect(kept.rows).toEqual([{ owner: "svc_deps", granted: true }]);
    expect(proof.answer).toBe("invalid");

    const ref = {
      itsm: "jira" as const,
      instance: "jira",
      id: "1",
      key: "SEC-1",
    };
    const built = buildEvidence(
      {
        finding: h.ctx.finding,
        cycle: 1,
        identity: h.identity,
        plan: makePlan({
          findingFingerprint: h.ctx.finding.fingerprint,
          targetId: "pg-test",
          targetKind: "postgres",
          principal: "svc_deps",
          actions: h.plan.actions,
        }),
        approval: {
          status: "approved",
          ticketState: "Approved",
          inImplementation: true,
          readyForWork: true,
          onHold: false,
          approvers: [{ userId: "u1", state: "approved", recordId: "r1" }],
          window: {},
          planHash: h.plan.hash,
          readAt: "2026-05-04T09:00:00.000Z",
        },
        approvalTicket: ref,
        tickets: [ref],
        regressionOf: [],
        actions: results,
        probes: [proof],
        createdAt: "2026-05-04T09:00:00.000Z",
      },
      null,
      EvidenceSigner.generate(),
    );
    const doc = JSON.parse(built.bytes.toString("utf8")) as {
      actions: ActionResult[];
    };
    expect(
      doc.actions.find((a) => a.resultCode === "ROLE_DISABLED_NOT_DROPPED")
        ?.detail["dependents"],
    ).toHaveLength(5);
    expect(built.summary).toContain("revoked (login disabled)");
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
