import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PAGE_SIZE } from "../../../src/store/sqlite/database.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const pageSizeOf = (file: string): number => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma("page_size", { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe("the store's page size", () => {
  it("is 64 KB for a new store, which then stores and reads findings", async () => {
    const dataDir = scratchDir("closeloop-page-");
    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    const finding = makeFinding("page-size");
    await store.upsertFindings(
      [{ finding, sealedSecret: null }],
      "2026-01-01T00:00:00Z",
    );
    const read = await store.getFinding(finding.fingerprint);
    await store.close();

    expect(PAGE_SIZE).toBe(65_536);
    expect(pageSizeOf(join(dataDir, "closeloop.sqlite"))).toBe(PAGE_SIZE);
    expect(read?.finding).toEqual(finding);
  });

  it("stays what it was for an existing store", async () => {
    const dataDir = scratchDir("closeloop-page-");
    const file = join(dataDir, "closeloop.sqlite");
    const old = new Database(file);
    old.pragma("journal_mode = WAL");
    old.exec("CREATE TABLE kept (v TEXT)");
    old.prepare("INSERT INTO kept VALUES (?)").run("before");
    old.close();

    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    await store.close();

    expect(pageSizeOf(file)).toBe(4096);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT v FROM kept").pluck().get()).toBe("before");
    db.close();
  });
});
