import { afterEach, describe, expect, it } from "vitest";
import { sha256Hex } from "../../../src/domain/secret.js";
import { collectFindings } from "../../../src/ingest/index.js";
import { threeReports } from "../../unit/ingest/cross-source-reports.js";
import { Harness } from "./harness.js";

describe("the same secret ingested from three scanners into one store", () => {
  let h: Harness;
  afterEach(async () => h.dispose());

  it("is stored as one finding with every sighting a location and every tool a source", async () => {
    h = await new Harness().start();
    const r = threeReports("postgres-url");
    const reports = [
      await collectFindings(r.trufflehog),
      await collectFindings(r.gitleaks),
      await collectFindings(r.secretlint, { sourceRoot: r.sourceRoot }),
    ];

    const summaries = [];
    for (const report of reports) {
      summaries.push(await h.engine.ingest(report.records));
    }

    const findings = await h.store.listFindings();
    expect(summaries.map((s) => [s.added, s.updated])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(findings).toHaveLength(1);
    const stored = findings[0]!;
    expect(stored.finding.sources).toEqual([
      "trufflehog",
      "gitleaks",
      "secretlint",
    ]);
    expect(
      stored.finding.locations.map((l) => [l.source, l.file, l.lineReported]),
    ).toEqual([
      ["trufflehog", "deploy/.env", 2],
      ["gitleaks", "config/settings.py", 5],
      ["secretlint", "app.env", 1],
    ]);
    expect(stored.finding.secretHash).toBe(sha256Hex(r.secret));
    expect(stored.hasSecret).toBe(true);
    expect((await h.store.getSecret(stored.fingerprint))?.ciphertext).toSatisfy(
      (c: Buffer) => c.length > 0 && !c.includes(r.secret),
    );
  });

  it("adds nothing when the same three reports are ingested again", async () => {
    h = await new Harness().start();
    const r = threeReports("api-token");
    const paths: [string, string | undefined][] = [
      [r.trufflehog, undefined],
      [r.gitleaks, undefined],
      [r.secretlint, r.sourceRoot],
    ];
    const ingestAll = async () => {
      for (const [path, sourceRoot] of paths) {
        const report = await collectFindings(
          path,
          sourceRoot === undefined ? {} : { sourceRoot },
        );
        await h.engine.ingest(report.records);
      }
    };
    await ingestAll();

    await ingestAll();

    const findings = await h.store.listFindings();
    expect(findings).toHaveLength(1);
    expect(findings[0]!.finding.locations).toHaveLength(3);
    expect(findings[0]!.finding.sources).toHaveLength(3);
  });
});
