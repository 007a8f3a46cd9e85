import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/logging/logger.js";
import { createPostgresTarget } from "../../../src/targets/postgres/index.js";
import type { TargetAdapter } from "../../../src/targets/types.js";
import {
  createLeakyRole,
  useEmbeddedPostgres,
  type EmbeddedPostgresServer,
} from "../../helpers/embedded-pg.js";
import { makeRecord } from "../../helpers/fakes/findings.js";
import { CAB, Harness } from "../engine/harness.js";
import { canLogin } from "./support.js";

function target(server: EmbeddedPostgresServer, port: number): TargetAdapter {
  return createPostgresTarget(
    {
      id: "pg-test",
      kind: "postgres",
      host: server.host,
      port,
      database: "app",
      admin: { user: server.adminUser, password: { env: "PG_ADMIN" } },
      probe: { deadlineMs: 0, intervalMs: 50, connectTimeoutMs: 500 },
    },
    { logger: silentLogger, env: { PG_ADMIN: server.adminPassword } },
  );
}

describe("postgres target repointed between runs", () => {
  const pgServer = useEmbeddedPostgres();
  let h: Harness | undefined;
  afterEach(async () => h?.dispose());

  it("leaves the role on the new server alone and says the approval named another", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_payments",
      password: "leaked-pass-payments",
      database: "app",
    });
    h = new Harness();
    h.targetAdapter = target(server, 1);
    await h.start();
    const rec = makeRecord("payments");
    const fp = rec.finding.fingerprint;
    await h.engine.ingest([rec]);
    await h.settle();
    h.itsm.approve(fp, CAB);
    await h.engine.runOnce();
    expect(await h.stateOf(fp)).toBe("executing");

    h.targetAdapter = target(server, server.port);
    await h.restart();
    await h.settle();

    const record = await h.store.getFinding(fp);
    expect(await canLogin(server, "svc_payments")).toBe(true);
    expect(record?.state).toBe("executing");
    expect(record?.plan?.targetEndpoint).toBe(`${server.host}:1/app`);
    expect(record?.reason).toBe(
      `TARGET_CHANGED: pg-test now points at ${server.host}:${server.port}/app, ` +
        `the approved plan at ${server.host}:1/app; a new plan and approval are needed`,
    );
  });
});
