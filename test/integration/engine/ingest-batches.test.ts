import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectFindings, streamFindings } from "../../../src/ingest/index.js";
import { Harness } from "./harness.js";

const DISTINCT = 12;
const SEEN = 3;
/** Bounds far below the report: every finding is handed on in several partial batches. */
const TINY = { locations: 4, findings: 3 };

/** A gitleaks report over several 96 KB read chunks: each secret is seen once per round. */
function writeReport(path: string, tail = "\n]\n"): void {
  const items: string[] = [];
  for (let i = 0; i < DISTINCT * SEEN; i++) {
    const n = i % DISTINCT;
    items.push(
      JSON.stringify({
        RuleID: "generic-api-key",
        Description: "Generic API Key",
        StartLine: i + 1,
        Secret: `batch-test-${n}-0f9e8d7c6b5a4f3e2d1c0b9a`,
        File: `services/svc-${n}/settings-${i}.py`,
        Commit: i.toString(16).padStart(40, "0"),
        Message: "m".repeat(12_000),
        Tags: [],
      }),
    );
  }
  writeFileSync(path, `[\n${items.join(",\n")}${tail}`);
}

describe("ingest of a report larger than one batch", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await new Harness().start();
  });
  afterEach(async () => {
    await h.dispose();
  });

  it("stores one finding per secret with every location, as a whole-file read does", async () => {
    const path = join(h.dir, "report.json");
    writeReport(path);
    const report = await streamFindings(path, {}, TINY);

    const summary = await h.engine.ingestBatches(report.batches);

    expect(summary).toMatchObject({ added: DISTINCT, findings: DISTINCT });
    const stored = await h.store.listFindings();
    const whole = await collectFindings(path);
    const files = (locations: { file?: string }[]) =>
      locations.map((l) => l.file).sort();
    expect(stored).toHaveLength(DISTINCT);
    for (const record of whole.records) {
      const f = stored.find(
        (s) => s.fingerprint === record.finding.fingerprint,
      );
      expect(f?.finding.locations).toHaveLength(SEEN);
      expect(files(f?.finding.locations ?? [])).toEqual(
        files(record.finding.locations),
      );
      expect(f?.hasSecret).toBe(true);
    }
  });

  it("stores the same findings when repeat sightings fill several tiny location arenas", async () => {
    const path = join(h.dir, "arena.json");
    writeReport(path);
    const report = await streamFindings(path, {}, { ...TINY, arenaBytes: 64 });

    await h.engine.ingestBatches(report.batches);

    const stored = await h.store.listFindings();
    const whole = await collectFindings(path);
    expect(stored).toHaveLength(DISTINCT);
    for (const record of whole.records) {
      const f = stored.find(
        (s) => s.fingerprint === record.finding.fingerprint,
      );
      expect(f?.finding.locations).toEqual(record.finding.locations);
    }
  });

  it("stores nothing when the report breaks after its first batches", async () => {
    const path = join(h.dir, "broken.json");
    writeReport(path, ',\n{"RuleID": "generic-api-key", "File": ');
    const report = await streamFindings(path, {}, TINY);

    await expect(h.engine.ingestBatches(report.batches)).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
    });

    expect(await h.store.listFindings()).toEqual([]);
    expect(await h.store.listSecrets()).toEqual([]);
  });
});
