import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../helpers/embedded-pg.js";

describe("embedded PostgreSQL for tests and the demo", () => {
  it("serves scram logins on a free port and removes its directory on stop", async () => {
    const server = await startEmbeddedPostgres();
    const wrong = new pg.Client({
      ...server,
      user: server.adminUser,
      password: "wrong",
      database: "postgres",
    });
    wrong.on("error", () => undefined);
    const right = new pg.Client({
      host: server.host,
      port: server.port,
      user: server.adminUser,
      password: server.adminPassword,
      database: "postgres",
    });

    const refused = await wrong.connect().then(
      () => "connected",
      (error: { code?: string }) => error.code,
    );
    await right.connect();
    const methods = await right.query(
      "SELECT DISTINCT auth_method FROM pg_hba_file_rules",
    );
    await right.end();
    await server.stop();

    expect(server.port).toBeGreaterThan(0);
    expect(refused).toBe("28P01");
    expect(methods.rows).toEqual([{ auth_method: "scram-sha-256" }]);
    await expect(access(server.databaseDir)).rejects.toThrow();
  });

  it("refuses a databaseDir that holds files, and leaves them there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "closeloop-pg-test-"));
    await writeFile(join(dir, "keep.txt"), "mine");

    const started = startEmbeddedPostgres({ databaseDir: dir });

    await expect(started).rejects.toMatchObject({
      code: "EMBEDDED_PG_DIR_NOT_EMPTY",
    });
    await expect(access(join(dir, "keep.txt"))).resolves.toBeUndefined();
    await rm(dir, { recursive: true, force: true });
  });
});
