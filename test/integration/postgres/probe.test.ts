import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { findFreePort } from "../../../src/sandbox/postgres/embedded.js";
import {
  createPostgresTarget,
  POSTGRES_ACTIONS,
} from "../../../src/targets/postgres/index.js";
import {
  createLeakyRole,
  useEmbeddedPostgres,
} from "../../helpers/embedded-pg.js";
import { actionOf, asAdmin, harness, recordingLogger } from "./support.js";

describe("postgres target: the probe", () => {
  const pgServer = useEmbeddedPostgres();

  it("answers indeterminate when the server refuses the connection", async () => {
    const { server } = pgServer;
    const closedPort = await findFreePort();
    const h = harness({ ...server, port: closedPort }, "svc_gone", "leaked-x");

    const proof = await h.target.verify(h.plan, h.ctx);

    expect(proof.answer).toBe("indeterminate");
    expect(proof.checks.find((check) => check.name === "login")?.observed).toBe(
      "connection failed: ECONNREFUSED",
    );
  });

  it("keeps probing to the deadline and answers valid when nothing was done", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_live",
      password: "leaked-live",
      database: "app",
    });
    let clock = Date.parse("2026-01-01T00:00:00Z");
    const target = createPostgresTarget(
      {
        id: "pg-test",
        kind: "postgres",
        host: server.host,
        port: server.port,
        database: "app",
        admin: { user: server.adminUser, password: { env: "PGA" } },
        probe: { deadlineMs: 3_000, intervalMs: 1_000 },
      },
      {
        logger: recordingLogger(),
        env: { PGA: server.adminPassword },
        now: () => new Date(clock),
        sleep: (ms) => {
          clock += ms;
          return Promise.resolve();
        },
      },
    );
    const h = harness(server, "svc_live", "leaked-live");

    const proof = await target.verify(h.plan, h.ctx);

    expect(proof.answer).toBe("valid");
    expect(proof.attempts).toBe(4);
    expect(proof.finishedAt).toBe("2026-01-01T00:00:03.000Z");
    expect(proof.checks.find((check) => check.name === "login")?.answer).toBe(
      "valid",
    );
  });

  it("answers indeterminate without the leaked value, even when the role is disabled", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_nosecret",
      password: "p-nosecret",
      database: "app",
    });
    const h = harness(server, "svc_nosecret", null);
    await h.target.execute(
      actionOf(h.plan, POSTGRES_ACTIONS.disableLogin),
      h.ctx,
    );

    const proof = await h.target.verify(h.plan, h.ctx);

    expect(proof.answer).toBe("indeterminate");
    expect(proof.checks.find((check) => check.name === "catalog")?.answer).toBe(
      "invalid",
    );
  });

  it("answers valid when the role logs in but lacks CONNECT on the probe database", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_nc",
      password: "p-nc",
      database: "app",
    });
    await asAdmin(server, async (client) => {
      await client.query("CREATE DATABASE locked");
      await client.query("REVOKE CONNECT ON DATABASE locked FROM PUBLIC");
    });
    const h = harness(server, "svc_nc", "p-nc", { database: "locked" });

    const proof = await h.target.verify(h.plan, h.ctx);

    expect(proof.answer).toBe("valid");
    expect(
      proof.checks.find((check) => check.name === "login")?.observed,
    ).toContain("SQLSTATE 42501");
  });

  it("never counts a refused login as proof when hba lets the role in by trust", async () => {
    const { server } = pgServer;
    await createLeakyRole(server, {
      role: "svc_trusty",
      password: "p-trusty",
      database: "app",
    });
    const hbaFile = join(server.databaseDir, "pg_hba.conf");
    const original = await readFile(hbaFile, "utf8");
    // First matching line wins, so the trust line goes on top (reference targets.md §1.4).
    await writeFile(
      hbaFile,
      `host all svc_trusty 127.0.0.1/32 trust\n${original}`,
    );
    await asAdmin(server, (client) => client.query("SELECT pg_reload_conf()"));
    await waitForTrust(server);
    const h = harness(server, "svc_trusty", "p-trusty");

    await h.target.execute(
      actionOf(h.plan, POSTGRES_ACTIONS.disableLogin),
      h.ctx,
    );
    const proof = await h.target.verify(h.plan, h.ctx);

    expect(proof.answer).toBe("indeterminate");
    expect(
      proof.checks.find((check) => check.name === "hba")?.observed,
    ).toContain("trust");
    expect(
      proof.checks.find((check) => check.name === "login")?.observed,
    ).toContain("admits the role by trust");
  });
});

/** pg_reload_conf only signals the postmaster; wait until a wrong password gets in. */
async function waitForTrust(server: {
  host: string;
  port: number;
}): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const client = new pg.Client({
      ...server,
      user: "svc_trusty",
      password: "wrong",
      database: "app",
    });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error("the trust rule never took effect");
}
