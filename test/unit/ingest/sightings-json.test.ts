import { describe, expect, it } from "vitest";
import type { FindingLocation } from "../../../src/domain/finding.js";
import { locationKey, Sightings } from "../../../src/domain/sightings.js";
import {
  dryRunJsonLine,
  findingToDryRunJson,
} from "../../../src/ingest/dry-run.js";
import {
  findingOfJsonParts,
  makeFinding,
} from "../../helpers/fakes/findings.js";

const at = (line: number): FindingLocation => ({
  source: "gitleaks",
  file: `services/svc-${line}/settings.yaml`,
  lineReported: line,
  column: 12,
  commit: line.toString(16).padStart(40, "0"),
});

/** Sightings of one credential over `places` places, with every optional shell field set. */
function seen(places: number, cap = 1000): Sightings {
  const s = new Sightings(
    makeFinding("json", {
      locations: [at(1)],
      tags: ["prod"],
      hints: { postgres: { host: "db", user: "svc" }, principal: "svc" },
    }),
    cap,
  );
  for (let line = 2; line <= places; line++) {
    s.absorb(makeFinding("json", { locations: [at(line)], tags: ["late"] }));
  }
  return s;
}

describe("location keys", () => {
  it("gives one key for one place whatever order its fields were set in", () => {
    const a: FindingLocation = { source: "sarif", file: "a.env" };
    a.lineReported = 4;
    a.url = "https://example.test/a";
    const b: FindingLocation = {
      url: "https://example.test/a",
      lineReported: 4,
      file: "a.env",
      source: "sarif",
    };

    expect(locationKey(a)).toBe(locationKey(b));
  });

  it("is the JSON of the location, fields in order, absent ones left out", () => {
    const l: FindingLocation = {
      resource: "arn:aws:iam::1:user/x",
      source: "ocsf",
      column: 3,
    };

    expect(locationKey(l)).toBe(
      '{"source":"ocsf","column":3,"resource":"arn:aws:iam::1:user/x"}',
    );
    expect(JSON.parse(locationKey(l))).toEqual({
      source: "ocsf",
      column: 3,
      resource: "arn:aws:iam::1:user/x",
    });
  });

  it("tells apart places that differ in one field", () => {
    expect(locationKey(at(1))).not.toBe(locationKey({ ...at(1), column: 13 }));
  });

  it("stays on one line for values that hold newlines", () => {
    expect(locationKey({ source: "x", file: "a\nb" })).not.toContain("\n");
  });

  it("is byte for byte what JSON.stringify writes, for values that need escaping too", () => {
    const awkward = [
      'say "hi"',
      "C:\\repo\\.env",
      "tab\there\u0000\u001f",
      "lone \ud800 surrogate",
      "pair \ud83d\ude00 emoji",
      "ünïcödé/файл",
      "\u2028line separator",
      "",
    ];
    const numbers = [0, -0, 7, 1.5, 1e21, NaN, Infinity];
    for (const [i, text] of awkward.entries()) {
      const l = {
        source: text,
        file: text,
        lineReported: numbers[i % numbers.length],
        column: numbers[(i + 3) % numbers.length],
        commit: text,
        repository: text,
        url: text,
        resource: text,
      } as FindingLocation;
      const ordered = {
        source: l.source,
        file: l.file,
        lineReported: l.lineReported,
        column: l.column,
        commit: l.commit,
        repository: l.repository,
        url: l.url,
        resource: l.resource,
      };

      expect(locationKey(l)).toBe(JSON.stringify(ordered));
    }
    const withNull = { source: "x", file: null } as unknown as FindingLocation;
    expect(locationKey(withNull)).toBe('{"source":"x","file":null}');
  });
});

describe("a finding's JSON from its sightings", () => {
  it("parses to exactly the finding, with hints, tags, secret hash and omitted count", () => {
    const s = seen(5, 3);

    const finding = s.toFinding();
    expect(finding.locationsOmitted).toBe(2);
    expect(finding.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(finding.tags).toEqual(["prod", "late"]);
    expect(findingOfJsonParts(s)).toStrictEqual(finding);
  });

  it("leaves the omitted count out while every place is kept", () => {
    const s = seen(4);

    const parsed = findingOfJsonParts(s);

    expect(parsed).not.toHaveProperty("locationsOmitted");
    expect(parsed.locations).toEqual([at(1), at(2), at(3), at(4)]);
    expect(parsed).toStrictEqual(s.toFinding());
  });

  it("gives the same finding for a shell without a secret hash or locations", () => {
    const bare = makeFinding("bare", { locations: [] });
    delete bare.secretHash;
    const s = new Sightings(bare);

    expect(findingOfJsonParts(s)).toStrictEqual(s.toFinding());
    expect(s.toFinding().locations).toEqual([]);
    expect(s.firstLocation).toBeUndefined();
  });

  it("gives the first place kept", () => {
    expect(seen(3).firstLocation).toEqual(at(1));
  });
});

describe("the dry-run JSON line from sightings", () => {
  it("is the line of the finding's allow-listed JSON, byte for byte", () => {
    for (const s of [seen(5, 3), seen(2)]) {
      expect(dryRunJsonLine(s)).toBe(
        JSON.stringify(findingToDryRunJson(s.toFinding())),
      );
    }
  });

  it("is the same line for a finding without a secret hash", () => {
    const f = makeFinding("nohash");
    delete f.secretHash;
    const s = new Sightings(f);

    expect(dryRunJsonLine(s)).toBe(
      JSON.stringify(findingToDryRunJson(s.toFinding())),
    );
    expect(dryRunJsonLine(s)).not.toContain("secretHash");
  });

  it("keeps a field the allow-list does not name out of the line", () => {
    const f = makeFinding("extra");
    Object.assign(f, { internalNote: "not for output" });
    const s = new Sightings(f);

    expect(s.shellJson()).toContain("internalNote");
    expect(dryRunJsonLine(s)).not.toContain("internalNote");
  });
});
