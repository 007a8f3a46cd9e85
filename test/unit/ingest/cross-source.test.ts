import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/domain/secret.js";
import { collectFindings, mergeRecords } from "../../../src/ingest/index.js";
import type { IngestRecord } from "../../../src/ingest/index.js";
import { githubAlert, threeReports } from "./cross-source-reports.js";
import type { ValueKind } from "./cross-source-reports.js";

async function only(path: string, sourceRoot?: string): Promise<IngestRecord> {
  const result = await collectFindings(
    path,
    sourceRoot === undefined ? {} : { sourceRoot },
  );
  expect(result.records).toHaveLength(1);
  return result.records[0]!;
}

const kinds: ValueKind[] = ["api-token", "postgres-url"];

describe("one secret seen by TruffleHog, gitleaks and secretlint", () => {
  it.each(kinds)(
    "is one finding (%s) with every sighting a location and every tool a source",
    async (kind) => {
      const r = threeReports(kind);
      const th = await only(r.trufflehog);
      const gl = await only(r.gitleaks);
      const sl = await only(r.secretlint, r.sourceRoot);

      const merged = mergeRecords(mergeRecords(th, gl), sl);

      expect(new Set([th, gl, sl].map((x) => x.finding.fingerprint)).size).toBe(
        1,
      );
      expect(merged.finding.fingerprint).toBe(th.finding.fingerprint);
      expect(merged.finding.sources).toEqual([
        "trufflehog",
        "gitleaks",
        "secretlint",
      ]);
      expect(
        merged.finding.locations.map((l) => [l.source, l.file, l.lineReported]),
      ).toEqual([
        ["trufflehog", "deploy/.env", 2],
        ["gitleaks", "config/settings.py", 5],
        ["secretlint", "app.env", 1],
      ]);
      expect(merged.finding.secretHash).toBe(sha256Hex(r.secret));
      expect(merged.secret?.reveal()).toBe(r.secret);
    },
  );

  it("stays one finding whichever report comes first", async () => {
    const r = threeReports("api-token");
    const th = await only(r.trufflehog);
    const gl = await only(r.gitleaks);
    const sl = await only(r.secretlint, r.sourceRoot);

    const a = mergeRecords(mergeRecords(sl, gl), th).finding;
    const b = mergeRecords(mergeRecords(th, sl), gl).finding;

    expect(a.fingerprint).toBe(b.fingerprint);
    expect([...a.sources].sort()).toEqual([...b.sources].sort());
    expect(a.locations).toHaveLength(3);
    expect(b.locations).toHaveLength(3);
  });

  it("merges a GitHub alert that carries the value (hide_secret=false)", async () => {
    const r = threeReports("api-token");
    const gl = await only(r.gitleaks);

    const alert = await only(githubAlert(r.value));

    expect(alert.finding.fingerprint).toBe(gl.finding.fingerprint);
    expect(mergeRecords(gl, alert).finding.sources).toEqual([
      "gitleaks",
      "github-secret-scanning",
    ]);
  });

  it("keeps a GitHub alert pulled with hide_secret apart: it carries no value to match", async () => {
    const r = threeReports("api-token");
    const gl = await only(r.gitleaks);

    const alert = await only(githubAlert(null));

    expect(alert.secret).toBeNull();
    expect(alert.finding.secretHash).toBeUndefined();
    expect(alert.finding.fingerprint).not.toBe(gl.finding.fingerprint);
  });
});
