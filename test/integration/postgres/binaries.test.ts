import { spawnSync } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  locateBinaries,
  reachableBinaries,
  serverAccount,
} from "../../../src/sandbox/postgres/binaries.js";

const asRoot = userInfo().uid === 0;

describe("PostgreSQL binaries the server's account can run", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps the installed binaries when closeloop does not run as root", async () => {
    const binaries = await locateBinaries();

    const chosen = await reachableBinaries(binaries, null);

    expect(chosen).toEqual(binaries);
  });

  it.skipIf(!asRoot)(
    "runs a copy when the checkout lives in a directory the postgres user cannot enter",
    async () => {
      const installed = await locateBinaries();
      const account = await serverAccount();
      const privateDir = await mkdtemp(join(tmpdir(), "closeloop-private-"));
      dirs.push(privateDir);
      const native = dirname(dirname(installed.postgres));
      const hidden = join(privateDir, "pkg", "native");
      await cp(dirname(native), join(privateDir, "pkg"), {
        recursive: true,
        verbatimSymlinks: true,
      });
      const unreachable = {
        initdb: join(hidden, "bin", "initdb"),
        postgres: join(hidden, "bin", "postgres"),
      };
      if (account === null) throw new Error("root has a server account");
      const direct = spawnSync(unreachable.postgres, ["--version"], {
        uid: account.uid,
        gid: account.gid,
      });

      const chosen = await reachableBinaries(unreachable, account);
      const copied = spawnSync(chosen.postgres, ["--version"], {
        uid: account.uid,
        gid: account.gid,
        encoding: "utf8",
      });

      expect(direct.error).toMatchObject({ code: "EACCES" });
      expect(chosen.postgres.startsWith(privateDir)).toBe(false);
      expect(copied.status).toBe(0);
      expect(copied.stdout).toMatch(/postgres \(PostgreSQL\) \d+/);
    },
  );
});
