import { describe, expect, it } from "vitest";
import { KeyMerger } from "../../../src/domain/key-merger.js";
import { KeyStrings } from "../../../src/domain/location-keys.js";

function viaStrings(rows: string[][], omitted: number[], cap: number) {
  const keys = new KeyStrings(cap);
  rows.forEach((row, i) => {
    keys.omitted += omitted[i] ?? 0;
    for (const key of row) keys.add(key);
  });
  return keys;
}

describe("merging staged rows of near-identical keys as bytes", () => {
  it("matches strings for keys one byte apart, prefixes, rows past 64 KB and 1024 keys", () => {
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const tail = "y".repeat((i * 7) % 13);
      keys.push(
        `k${"x".repeat(i % 9)}${String.fromCharCode(33 + (i % 90))}${tail}é`,
      );
    }
    const prefixes = keys.map((k) => k.slice(0, -2)).filter((k) => k !== "");
    const rows = [keys.slice(0, 2000), keys.slice(1000), prefixes];
    const omitted = [1, 0, 2];
    const merger = new KeyMerger();

    for (const cap of [0, 1, 1024, 1025, 5000, 0]) {
      const want = viaStrings(rows, omitted, cap);
      merger.begin(cap);
      rows.forEach((row, i) => {
        merger.add(Buffer.from(`${row.join("\n")}\n`), omitted[i] ?? 0);
      });
      const got = merger.finish();

      expect(got.joined(","), `cap ${cap}`).toBe(want.joined(","));
      expect(got.first(), `cap ${cap}`).toBe(want.first());
      expect(got.omitted, `cap ${cap}`).toBe(want.omitted);
      expect(got.size, `cap ${cap}`).toBe(want.size);
    }
  });
});
