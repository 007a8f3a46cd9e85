import { describe, expect, it } from "vitest";
import type { StagedLocations } from "../../../src/domain/sightings.js";
import type { ArenaHolder } from "../../../src/ingest/location-arena.js";
import { LocationArena } from "../../../src/ingest/location-arena.js";

const holder = (fingerprint: string): ArenaHolder => ({
  fingerprint,
  pending: false,
  drainLocations: (): StagedLocations => ({
    fingerprint,
    locations: "",
    omitted: 0,
  }),
});

const key = (i: number): string =>
  JSON.stringify({
    source: "s",
    file: i % 7 === 0 ? `ü/ñ-${i}.env` : `f-${i}`,
  });

describe("the location arena", () => {
  it("gives each holder its keys in the order added, ASCII or not, across many writes", () => {
    const holders = ["a", "b", "c"].map(holder);
    const arena = new LocationArena(1024);
    const expected: string[][] = [[], [], []];
    for (let i = 0; i < 1000; i++) {
      const h = (i * 5) % 3;
      arena.add(h, key(i));
      expected[h]!.push(key(i));
    }

    const rows = arena.drain(holders);

    expect(rows.map((r) => r.fingerprint)).toEqual(["a", "b", "c"]);
    expect(rows.map((r) => r.locations.toString())).toEqual(
      expected.map((keys) => keys.join("\n")),
    );
    expect(arena.used).toBe(0);
  });

  it("keeps two keys apart whose halves of one character would join", () => {
    const arena = new LocationArena(1024);
    arena.add(0, "a\ud800");
    arena.add(1, "\udc00b");

    const rows = arena.drain([holder("first"), holder("second")]);

    expect(rows.map((r) => r.locations.toString())).toEqual([
      Buffer.from("a\ud800").toString(),
      Buffer.from("\udc00b").toString(),
    ]);
  });

  it("counts keys not yet written in what it holds, and drains them too", () => {
    const arena = new LocationArena(1 << 20);
    arena.add(0, key(7));

    expect(arena.used).toBe(key(7).length);
    expect(arena.drain([holder("only")])[0]?.locations.toString()).toBe(key(7));
  });
});
