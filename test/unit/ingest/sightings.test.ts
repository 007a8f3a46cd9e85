import { describe, expect, it } from "vitest";
import type { FindingLocation } from "../../../src/domain/finding.js";
import { Sightings } from "../../../src/domain/sightings.js";
import { findingToDryRunJson } from "../../../src/ingest/index.js";
import { mergeFinding } from "../../../src/store/merge.js";
import { FindingStaging } from "../../../src/store/sqlite/staging.js";
import { makeFinding } from "../../helpers/fakes/findings.js";

const at = (line: number): FindingLocation => ({
  source: "gitleaks",
  file: "config/app.env",
  lineReported: line,
});

describe("the locations kept per finding", () => {
  it("keeps the first places up to the cap and counts the sightings past it", () => {
    const s = new Sightings(makeFinding("cap", { locations: [at(1)] }), 3);

    for (const line of [2, 1, 3, 4, 5]) {
      s.absorb(makeFinding("cap", { locations: [at(line)] }));
    }

    const finding = s.toFinding();
    expect(finding.locations.map((l) => l.lineReported)).toEqual([1, 2, 3]);
    expect(finding.locationsOmitted).toBe(2);
    expect(findingToDryRunJson(finding)).toMatchObject({ locationsOmitted: 2 });
  });

  it("leaves the count out while every place is kept", () => {
    const s = new Sightings(makeFinding("all", { locations: [at(1)] }));

    s.absorb(makeFinding("all", { locations: [at(2)] }));

    expect(s.toFinding().locationsOmitted).toBeUndefined();
    expect(findingToDryRunJson(s.toFinding())).not.toHaveProperty(
      "locationsOmitted",
    );
  });

  it("keeps the merged finding open while any sighting is open", () => {
    const s = new Sightings(makeFinding("st", { status: "resolved" }));

    s.absorb(makeFinding("st", { status: "open", severity: "critical" }));

    expect(s.toFinding()).toMatchObject({
      status: "open",
      severity: "critical",
    });
  });

  it("merges partials staged on disk into one finding, first places first", () => {
    const staging = new FindingStaging();
    const first = new Sightings(makeFinding("st2", { locations: [at(1)] }));
    const held = new Sightings(makeFinding("st2", { locations: [at(2)] }));
    const other = new Sightings(makeFinding("other"));
    held.absorb(makeFinding("st2", { locations: [at(1), at(3)] }));

    staging.addFindings([{ sightings: first, sealedSecret: null }]);
    staging.addLocations([held.drainLocations()]);
    held.absorb(makeFinding("st2", { locations: [at(4)], tags: ["late"] }));
    staging.addFindings([
      { sightings: held, sealedSecret: null },
      { sightings: other, sealedSecret: null },
    ]);
    const merged = [...staging.merged()].map((u) => u.sightings.toFinding());
    staging.close();

    expect(merged).toHaveLength(2);
    const st2 = merged.find((f) => f.fingerprint === first.fingerprint);
    expect(st2?.locations.map((l) => l.lineReported)).toEqual([1, 2, 3, 4]);
    expect(st2?.tags).toEqual(["late"]);
  });

  it("keeps the larger count when the store merges the same report again", () => {
    const many = Array.from({ length: 1005 }, (_, i) => at(i + 1));
    const once = new Sightings(makeFinding("big", { locations: many }));
    const stored = once.toFinding();

    const again = mergeFinding(stored, stored);

    expect(stored.locations).toHaveLength(1000);
    expect(stored.locationsOmitted).toBe(5);
    expect(again.locations).toHaveLength(1000);
    expect(again.locationsOmitted).toBe(5);
  });
});
