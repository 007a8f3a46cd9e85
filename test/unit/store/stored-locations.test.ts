import Database from "better-sqlite3";
import { join } from "node:path";
import { brotliCompressSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Finding, FindingLocation } from "../../../src/domain/finding.js";
import { Sightings } from "../../../src/domain/sightings.js";
import type { FindingState } from "../../../src/domain/states.js";
import { migration001 } from "../../../src/store/migrations/001-initial.js";
import { migrations } from "../../../src/store/migrations/index.js";
import {
  migrateDatabase,
  openDatabase,
} from "../../../src/store/sqlite/database.js";
import {
  columnsOfParts,
  findingOfColumns,
  INLINE_LOCATIONS_BYTES,
} from "../../../src/store/sqlite/finding-columns.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const AT = "2026-05-04T09:00:00.000Z";

const at = (line: number): FindingLocation => ({
  source: "trufflehog",
  file: `services/svc-${line}/.env`,
  lineReported: line,
  commit: line.toString(16).padStart(40, "0"),
  repository: "https://github.com/example/ünïcode",
});

const places = (from: number, to: number): FindingLocation[] =>
  Array.from({ length: to - from + 1 }, (_, i) => at(from + i));

/** Enough places for their JSON to pass the inline limit. */
const MANY =
  Math.ceil(INLINE_LOCATIONS_BYTES / JSON.stringify(at(1)).length) + 1;

interface RawRow {
  finding_json: string;
  locations_br: Buffer | null;
}

describe("the stored form of a finding's locations", () => {
  let dataDir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dataDir = scratchDir("closeloop-locations-");
    store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
  });

  const rowOf = (fingerprint: string): RawRow => {
    const db = new Database(join(dataDir, "closeloop.sqlite"), {
      readonly: true,
    });
    try {
      return db
        .prepare(
          "SELECT finding_json, locations_br FROM findings WHERE fingerprint = ?",
        )
        .get(fingerprint) as RawRow;
    } finally {
      db.close();
    }
  };

  const upsert = (finding: Finding) =>
    store.upsertFindings([{ finding, sealedSecret: null }], AT);

  it("keeps a few places in the finding's JSON, readable as they are", async () => {
    const finding = makeFinding("few", { locations: places(1, 3) });
    await upsert(finding);

    const row = rowOf(finding.fingerprint);
    expect(row.locations_br).toBeNull();
    expect((JSON.parse(row.finding_json) as Finding).locations).toEqual(
      places(1, 3),
    );
    expect((await store.getFinding(finding.fingerprint))?.finding).toEqual(
      finding,
    );
  });

  it("stores many places apart, compressed, and reads the same finding back", async () => {
    const finding = makeFinding("many", { locations: places(1, 400) });
    await upsert(finding);

    const row = rowOf(finding.fingerprint);
    const json = JSON.stringify(finding.locations);
    expect(row.locations_br).not.toBeNull();
    expect(row.locations_br!.length).toBeLessThan(json.length / 4);
    expect(JSON.parse(row.finding_json)).not.toHaveProperty("locations");
    expect(row.finding_json).not.toContain("svc-1/");
    expect((await store.getFinding(finding.fingerprint))?.finding).toEqual(
      finding,
    );
  });

  it("moves places apart once a later report makes them many, and keeps them all", async () => {
    const first = makeFinding("grows", { locations: places(1, 2) });
    await upsert(first);
    expect(rowOf(first.fingerprint).locations_br).toBeNull();

    await upsert(makeFinding("grows", { locations: places(3, MANY + 5) }));

    expect(rowOf(first.fingerprint).locations_br).not.toBeNull();
    const read = await store.getFinding(first.fingerprint);
    expect(read?.finding.locations).toEqual(places(1, MANY + 5));
  });

  it("stores a staged merge of many places apart, with its omitted count in the JSON", async () => {
    const sightings = new Sightings(
      makeFinding("staged", { locations: places(1, MANY + 2) }),
      MANY,
    );
    const expected = sightings.toFinding();
    const stage = await store.stageFindings();
    await stage.add([{ sightings, sealedSecret: null }], true);
    await stage.commit(AT);

    const row = rowOf(expected.fingerprint);
    expect(row.locations_br).not.toBeNull();
    expect(JSON.parse(row.finding_json)).toMatchObject({
      locationsOmitted: 2,
    });
    expect((await store.getFinding(expected.fingerprint))?.finding).toEqual(
      expected,
    );
  });

  it("stores a merge staged in two batches, compressed from its merged bytes", async () => {
    const stage = await store.stageFindings();
    const part = (from: number, to: number) => ({
      sightings: new Sightings(
        makeFinding("two-batches", { locations: places(from, to) }),
      ),
      sealedSecret: null,
    });
    await stage.add([part(1, MANY)], false);
    await stage.add([part(MANY - 3, 2 * MANY)], true);
    await stage.commit(AT);

    const fp = makeFinding("two-batches").fingerprint;
    expect(rowOf(fp).locations_br).not.toBeNull();
    expect((await store.getFinding(fp))?.finding.locations).toEqual(
      places(1, 2 * MANY),
    );
  });

  it("reads back a regression of a closed finding of many places", async () => {
    const finding = makeFinding("again", { locations: places(1, MANY) });
    await upsert(finding);
    const fp = finding.fingerprint;
    const path: FindingState[] = [
      "new",
      "planned",
      "ticketing",
      "awaiting_approval",
      "executing",
      "verifying",
      "evidence",
      "closed",
    ];
    for (let i = 1; i < path.length; i++)
      await store.transition(fp, path[i - 1]!, path[i]!, {}, AT);

    const result = await upsert(
      makeFinding("again", { locations: places(MANY + 1, MANY + 2) }),
    );

    expect(result.regressions).toEqual([fp]);
    const read = await store.getFinding(fp);
    expect(read?.state).toBe("regression");
    expect(read?.finding.locations).toEqual(places(1, MANY + 2));
  });
});

/** A store as the first schema made it, migration 1 recorded: open, for rows to be put in. */
function storeAtMigration1(file: string): Database.Database {
  const old = new Database(file);
  old.exec(migration001.sql);
  old.exec(`CREATE TABLE schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  old.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', ?)").run(AT);
  return old;
}

describe("a store made before locations were stored apart", () => {
  it("gains the column and reads its findings as they were", async () => {
    const dataDir = scratchDir("closeloop-locations-");
    const finding = makeFinding("old", { locations: places(1, MANY) });
    const old = storeAtMigration1(join(dataDir, "closeloop.sqlite"));
    old
      .prepare(
        `INSERT INTO findings (fingerprint, finding_json, state, created_at, updated_at)
         VALUES (?, ?, 'new', ?, ?)`,
      )
      .run(finding.fingerprint, JSON.stringify(finding), AT, AT);
    old.close();

    const store = SqliteStore.inDataDir(dataDir);
    await store.migrate();
    const read = await store.getFinding(finding.fingerprint);
    await store.close();

    expect(read?.finding).toEqual(finding);
  });
});

describe("a store opened by two processes at once", () => {
  it("gains each migration once when the other applies it while this one looks", () => {
    const file = join(scratchDir("closeloop-locations-"), "closeloop.sqlite");
    storeAtMigration1(file).close();
    const mine = openDatabase(file);
    const other = openDatabase(file);
    // The other process migrates right after this one first reads what is applied.
    let raced = false;
    const racing = new Proxy(mine, {
      get(target, prop) {
        if (prop !== "prepare") {
          const value: unknown = Reflect.get(target, prop);
          return typeof value === "function"
            ? (value as (...a: unknown[]) => unknown).bind(target)
            : value;
        }
        return (sql: string) => {
          const statement = target.prepare(sql);
          if (!/^\s*SELECT .*FROM schema_migrations/s.test(sql))
            return statement;
          const after = <T>(result: T): T => {
            if (!raced) {
              raced = true;
              migrateDatabase(other);
            }
            return result;
          };
          return {
            get: (...args: unknown[]) => after(statement.get(...args)),
            all: (...args: unknown[]) => after(statement.all(...args)),
          };
        };
      },
    });

    migrateDatabase(racing);

    expect(raced).toBe(true);
    const versions = mine
      .prepare("SELECT version FROM schema_migrations ORDER BY version")
      .pluck()
      .all();
    expect(versions).toEqual(migrations.map((m) => m.version));
    mine.close();
    other.close();
  });
});

describe("a finding's columns", () => {
  it("round-trip a shell without members and a shell with them, either side of the limit", () => {
    for (const shell of [{}, { kind: "secret", title: 'a "quoted" title' }]) {
      for (const [locations, asBytes] of [
        [places(1, 1), false],
        [places(1, MANY), false],
        [places(1, 1), true],
        [places(1, MANY), true],
      ] as const) {
        const json = JSON.stringify(locations);
        const { findingJson, locationsBr } = columnsOfParts(
          JSON.stringify(shell),
          asBytes ? Buffer.from(json) : json,
        );
        expect(locationsBr === null).toBe(locations.length === 1);
        expect(findingOfColumns("fp", findingJson, locationsBr)).toEqual({
          ...shell,
          locations,
        });
      }
    }
  });
});

describe("the inline limit", () => {
  it("is counted in bytes, not characters", () => {
    const wide = [
      { source: "s", file: "ü".repeat(INLINE_LOCATIONS_BYTES / 2) },
    ];
    const narrow = [
      { source: "s", file: "u".repeat(INLINE_LOCATIONS_BYTES / 2) },
    ];

    expect(JSON.stringify(wide).length).toBeLessThan(INLINE_LOCATIONS_BYTES);
    expect(
      columnsOfParts("{}", JSON.stringify(wide)).locationsBr,
    ).not.toBeNull();
    expect(columnsOfParts("{}", JSON.stringify(narrow)).locationsBr).toBeNull();
  });
});

describe("a stored row that does not read back", () => {
  it("fails naming the finding and the column, for damaged locations or JSON, or the wrong shape", () => {
    const { findingJson, locationsBr } = columnsOfParts(
      "{}",
      JSON.stringify(places(1, MANY)),
    );
    const damaged = Buffer.from(locationsBr!);
    damaged.fill(0x55, 4, 40);

    expect(() =>
      findingOfColumns("a".repeat(64), findingJson, damaged),
    ).toThrow(
      expect.objectContaining({
        code: "STORE_ROW_UNREADABLE",
        details: { fingerprint: "a".repeat(64), column: "locations_br" },
      }),
    );
    for (const [json, br] of [
      ["null", null],
      ["5", null],
      [JSON.stringify({ kind: "secret" }), null],
      [findingJson, brotliCompressSync(Buffer.from("null"))],
      [findingJson, brotliCompressSync(Buffer.from("[null,5]"))],
    ] as const)
      expect(() => findingOfColumns("c".repeat(64), json, br)).toThrow(
        expect.objectContaining({ code: "STORE_ROW_UNREADABLE" }),
      );
    expect(() => findingOfColumns("b".repeat(64), "{", null)).toThrow(
      expect.objectContaining({
        details: { fingerprint: "b".repeat(64), column: "finding_json" },
      }),
    );
  });
});
