import { statSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === "win32")("a new store's files", () => {
  it("are the owner's alone: the data directory 0700, the database and its WAL 0600", async () => {
    const dataDir = join(scratchDir("closeloop-mode-"), "data");
    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    const files = ["closeloop.sqlite", "closeloop.sqlite-wal"].map((f) =>
      join(dataDir, f),
    );
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const file of files) expect(mode(file)).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it("keeps the mode an operator gave an existing database", async () => {
    const dataDir = scratchDir("closeloop-mode-");
    const file = join(dataDir, "closeloop.sqlite");
    writeFileSync(file, "");
    chmodSync(file, 0o640);
    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    await store.close();
    expect(mode(file)).toBe(0o640);
  });
});
