import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SealedSecret } from "../../../src/custody/types.js";
import type { FindingLocation } from "../../../src/domain/finding.js";
import { locationKey, Sightings } from "../../../src/domain/sightings.js";
import type { StagedLocations } from "../../../src/domain/sightings.js";
import { SqliteStore } from "../../../src/store/sqlite/sqlite-store.js";
import { FindingStaging } from "../../../src/store/sqlite/staging.js";
import type { StagedUpsert } from "../../../src/store/types.js";
import { makeFinding } from "../../helpers/fakes/findings.js";

const at = (line: number, file = "config/app.env"): FindingLocation => ({
  source: "gitleaks",
  file,
  lineReported: line,
});

const rowOf = (
  seed: string,
  lines: number[],
  omitted = 0,
  asBytes = false,
): StagedLocations => {
  const text = lines.map((l) => locationKey(at(l))).join("\n");
  return {
    fingerprint: makeFinding(seed).fingerprint,
    locations: asBytes ? Buffer.from(text) : text,
    omitted,
  };
};

const held = (seed: string, lines: number[] = []): StagedUpsert => ({
  sightings: new Sightings(
    makeFinding(seed, { locations: lines.map((l) => at(l)) }),
  ),
  sealedSecret: null,
});

const sealed = (n: number): SealedSecret => ({
  keyId: `key-${n}`,
  iv: Buffer.alloc(12, n),
  tag: Buffer.alloc(16, n + 1),
  ciphertext: Buffer.from(`sealed bytes ${n}`),
});

describe("the staging of a large read", () => {
  let root: string;
  let staging: FindingStaging;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "staging-test-"));
    staging = new FindingStaging(root);
  });
  afterEach(() => {
    staging.close();
    rmSync(root, { recursive: true, force: true });
  });

  const merged = () =>
    [...staging.merged()].map((u) => ({
      finding: u.sightings.toFinding(),
      sealedSecret: u.sealedSecret,
    }));

  it("gives each fingerprint once, in fingerprint order, its places in the order staged", () => {
    staging.addLocations([rowOf("b", [5, 1]), rowOf("a", [9])]);
    staging.addFindings([held("b", [2]), held("a", [1])]);
    staging.addLocations([rowOf("a", [3], 0, true)]);
    staging.addFindings([held("a", [4])]);

    const out = merged();

    const fps = out.map((u) => u.finding.fingerprint);
    expect(fps).toEqual([...fps].sort());
    expect(fps).toHaveLength(2);
    const lines = (seed: string) =>
      out
        .find((u) => u.finding.fingerprint === makeFinding(seed).fingerprint)
        ?.finding.locations.map((l) => l.lineReported);
    expect(lines("b")).toEqual([5, 1, 2]);
    expect(lines("a")).toEqual([9, 1, 3, 4]);
  });

  it("drops a place staged again in a later row", () => {
    staging.addLocations([rowOf("d", [1, 2, 1])]);
    staging.addLocations([rowOf("d", [2, 3])]);
    staging.addFindings([held("d", [3, 4])]);

    const [only] = merged();

    expect(only?.finding.locations.map((l) => l.lineReported)).toEqual([
      1, 2, 3, 4,
    ]);
  });

  it("keeps the first places up to the cap across rows and counts the rest", () => {
    const first = Array.from({ length: 990 }, (_, i) => i + 1);
    const then = Array.from({ length: 30 }, (_, i) => i + 981);
    staging.addLocations([rowOf("cap", first, 2)]);
    staging.addLocations([rowOf("cap", then)]);
    staging.addFindings([held("cap")]);

    const [only] = merged();

    const kept = only?.finding.locations.map((l) => l.lineReported) ?? [];
    expect(kept).toHaveLength(1000);
    expect(kept.slice(0, 3)).toEqual([1, 2, 3]);
    expect(kept.at(-1)).toBe(1000);
    // 2 staged as omitted, 1001..1010 past the cap; 981..990 were repeats.
    expect(only?.finding.locationsOmitted).toBe(12);
  });

  it("merges the shells of one fingerprint and keeps the first sealed secret", () => {
    const a = new Sightings(
      makeFinding("s", { status: "resolved", tags: ["a"] }),
    );
    const b = new Sightings(
      makeFinding("s", {
        status: "open",
        tags: ["b"],
        detectedAt: "2020-01-01T00:00:00.000Z",
      }),
    );
    staging.addFindings([{ sightings: a, sealedSecret: null }]);
    staging.addFindings([{ sightings: b, sealedSecret: sealed(1) }]);
    staging.addFindings([held("s")]);
    staging.addFindings([
      { sightings: new Sightings(makeFinding("s")), sealedSecret: sealed(2) },
    ]);

    const [only] = merged();

    expect(only?.finding).toMatchObject({
      status: "open",
      tags: ["a", "b"],
      detectedAt: "2020-01-01T00:00:00.000Z",
    });
    expect(only?.sealedSecret).toEqual(sealed(1));
  });

  it("takes a fingerprint staged twice in one batch as two partials of it", () => {
    staging.addFindings([held("t", [1]), held("u", [7]), held("t", [2])]);

    const out = merged();

    expect(out).toHaveLength(2);
    const t = out.find(
      (u) => u.finding.fingerprint === makeFinding("t").fingerprint,
    );
    expect(t?.finding.locations.map((l) => l.lineReported)).toEqual([1, 2]);
  });

  it("reads back a row larger than what a run reads ahead", () => {
    const long = "x".repeat(400);
    const lines = Array.from({ length: 600 }, (_, i) => i + 1);
    const text = lines.map((l) => locationKey(at(l, long))).join("\n");
    const fingerprint = makeFinding("big").fingerprint;
    staging.addLocations([{ fingerprint, locations: text, omitted: 0 }]);
    staging.addFindings([held("big"), held("small", [1])]);

    const big = merged().find((u) => u.finding.fingerprint === fingerprint);

    expect(text.length).toBeGreaterThan(200_000);
    expect(big?.finding.locations).toHaveLength(600);
    expect(big?.finding.locations[599]).toEqual(at(600, long));
  });

  it("gives nothing for nothing staged", () => {
    staging.addLocations([]);
    staging.addFindings([]);

    expect(merged()).toEqual([]);
  });

  it("leaves nothing where it stages, while it runs and once closed", () => {
    staging.addLocations([rowOf("z", [1])]);
    if (process.platform !== "win32") expect(readdirSync(root)).toEqual([]);

    staging.close();

    expect(readdirSync(root)).toEqual([]);
  });
});

describe("a staged merge committed to the store", () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "staged-store-"));
    store = new SqliteStore(join(dir, "db.sqlite"));
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const commit = async (items: StagedUpsert[], last: boolean) => {
    const stage = await store.stageFindings();
    await stage.add(items, last);
    return stage.commit("2026-05-04T09:00:00.000Z");
  };

  it("stores a new finding as its sightings give it, in memory or staged", async () => {
    const many = Array.from({ length: 1003 }, (_, i) => i + 1);
    const whole = held("whole", many);
    const staged = held("staged", [1, 2]);
    staged.sealedSecret = sealed(3);
    const expected = [whole, staged].map((u) => u.sightings.toFinding());

    await commit([whole], true);
    const result = await commit([staged], false);

    expect(result).toMatchObject({
      findings: 1,
      added: [expected[1]?.fingerprint],
    });
    for (const f of expected) {
      const stored = await store.getFinding(f.fingerprint);
      expect(stored?.finding).toStrictEqual(f);
    }
    expect(
      (await store.getFinding(expected[0]?.fingerprint ?? ""))?.finding,
    ).toMatchObject({ locationsOmitted: 3 });
    expect(
      (await store.getFinding(expected[1]?.fingerprint ?? ""))?.hasSecret,
    ).toBe(true);
  });

  it("merges sightings into a finding already stored", async () => {
    await commit([held("again", [1, 2])], true);

    const result = await commit([held("again", [2, 3])], false);

    expect(result.updated).toEqual([makeFinding("again").fingerprint]);
    const stored = await store.getFinding(makeFinding("again").fingerprint);
    expect(stored?.finding.locations.map((l) => l.lineReported)).toEqual([
      1, 2, 3,
    ]);
  });
});
