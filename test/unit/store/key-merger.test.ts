import { describe, expect, it } from "vitest";
import { KeyMerger } from "../../../src/domain/key-merger.js";
import { locationKey } from "../../../src/domain/location-key.js";
import { KeyStrings } from "../../../src/domain/location-keys.js";

/** A small deterministic generator, so a failure names the seed that made it. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const FILES = ["a.env", "ünï/кей.yaml", 'q"uote\\.env', "x".repeat(300), ""];

/** Rows of newline-separated keys with repeats across and within rows, as staging writes them. */
function rowsFor(seed: number, rows: number, perRow: number): Buffer[] {
  const next = random(seed);
  const out: Buffer[] = [];
  for (let r = 0; r < rows; r++) {
    const keys: string[] = [];
    for (let k = 0; k < perRow; k++) {
      const place = Math.floor(next() * perRow * 3);
      keys.push(
        locationKey({
          source: "gitleaks",
          file: FILES[place % FILES.length] ?? "",
          lineReported: place,
          commit: (place * 2654435761).toString(16),
        }),
      );
    }
    out.push(Buffer.from(keys.join("\n"), "utf8"));
  }
  return out;
}

function viaStrings(rows: Buffer[], omitted: number[], cap: number) {
  const keys = new KeyStrings(cap);
  rows.forEach((row, i) => {
    keys.omitted += omitted[i] ?? 0;
    const text = row.toString("utf8");
    if (text !== "") for (const key of text.split("\n")) keys.add(key);
  });
  return keys;
}

describe("merging staged location rows as bytes", () => {
  it("keeps the same keys, order, cap and omitted count as merging them as strings", () => {
    const merger = new KeyMerger();
    for (const [seed, rows, perRow, cap] of [
      [1, 20, 5, 1000],
      [2, 40, 30, 50],
      [3, 3, 2000, 1000],
      [4, 1, 1, 1],
      [5, 12, 400, 3000],
    ] as const) {
      const staged = rowsFor(seed, rows, perRow);
      const omitted = staged.map((_, i) => i % 3);
      const want = viaStrings(staged, omitted, cap);

      merger.begin(cap);
      staged.forEach((row, i) => merger.add(row, omitted[i] ?? 0));
      const got = merger.finish();

      expect(got.size, `seed ${seed}`).toBe(want.size);
      expect(got.omitted, `seed ${seed}`).toBe(want.omitted);
      expect(got.joined(","), `seed ${seed}`).toBe(want.joined(","));
      expect(got.joined("\n"), `seed ${seed}`).toBe(want.joined("\n"));
      expect(got.first(), `seed ${seed}`).toBe(want.first());
    }
  });

  it("starts each finding afresh: nothing of the one before is seen as a repeat", () => {
    const merger = new KeyMerger();
    const row = rowsFor(9, 1, 50)[0] ?? Buffer.alloc(0);
    merger.begin(1000);
    merger.add(row, 2);
    const first = merger.finish();

    merger.begin(1000);
    merger.add(row, 0);
    const second = merger.finish();

    expect(second.joined(",")).toBe(first.joined(","));
    expect(second.omitted).toBe(0);
    expect(first.omitted).toBe(2);
  });

  it("gives nothing for empty rows, and parses to the locations it was given", () => {
    const merger = new KeyMerger();
    merger.begin(10);
    merger.add(Buffer.alloc(0), 4);
    expect(merger.finish().joined(",")).toBe("");

    const l = { source: "sarif", file: "ünï.env", lineReported: 3 };
    merger.begin(10);
    merger.add(Buffer.from(`${locationKey(l)}\n${locationKey(l)}`), 0);
    const keys = merger.finish();
    expect(JSON.parse(`[${keys.joined(",")}]`)).toEqual([l]);
    expect(keys.size).toBe(1);
  });

  it("takes more keys after the merge as strings would, the merged ones kept first", () => {
    const merger = new KeyMerger();
    const row = rowsFor(11, 1, 10)[0] ?? Buffer.alloc(0);
    merger.begin(12);
    merger.add(row, 1);
    const keys = merger.finish();
    const want = viaStrings([row], [1], 12);
    const extra = rowsFor(12, 1, 10)[0]?.toString("utf8").split("\n") ?? [];

    for (const key of extra) {
      keys.add(key);
      want.add(key);
    }

    expect(keys.joined(",")).toBe(want.joined(","));
    expect(keys.omitted).toBe(want.omitted);
    expect(keys.size).toBe(want.size);
  });

  it("matches strings for keys one byte apart, prefixes, rows past 64 KB and 1024 keys", () => {
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const tail = "y".repeat((i * 7) % 13);
      keys.push(
        `k${"x".repeat(i % 9)}${String.fromCharCode(33 + (i % 90))}${tail}é`,
      );
    }
    const prefixes = keys.map((k) => k.slice(0, -2)).filter((k) => k !== "");
    const rows = [keys.slice(0, 2000), keys.slice(1000), prefixes].map((r) =>
      Buffer.from(r.join("\n")),
    );
    const omitted = [1, 0, 2];
    const merger = new KeyMerger();

    for (const cap of [0, 1, 1024, 1025, 5000, 0]) {
      const want = viaStrings(rows, omitted, cap);
      merger.begin(cap);
      rows.forEach((row, i) => merger.add(row, omitted[i] ?? 0));
      const got = merger.finish();

      expect(got.joined(","), `cap ${cap}`).toBe(want.joined(","));
      expect(got.first(), `cap ${cap}`).toBe(want.first());
      expect(got.omitted, `cap ${cap}`).toBe(want.omitted);
      expect(got.size, `cap ${cap}`).toBe(want.size);
    }
  });
});
