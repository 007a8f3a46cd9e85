import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import { SecretValue } from "../../../src/domain/secret.js";
import { Sightings } from "../../../src/domain/sightings.js";
import type { SightedBatch } from "../../../src/domain/sightings.js";
import { mergedSightings } from "../../../src/cli/ingest-file.js";
import { dryRunJsonLine } from "../../../src/ingest/dry-run.js";
import { collectFindings, streamFindings } from "../../../src/ingest/index.js";
import type { ReadOptions } from "../../../src/ingest/index.js";
import { StagingFile } from "../../../src/store/sqlite/staging-file.js";
import { canaryReports } from "../../e2e/canary-reports.js";
import { makeFinding } from "../../helpers/fakes/findings.js";
import { scratchDir } from "../../helpers/scratch-dir.js";
import { Harness } from "./harness.js";

/** Bounds far below the reports here: every one is staged in several runs. */
const SMALL = { locations: 50, findings: 40, arenaBytes: 4096 };
const DISTINCT = 90;
const now = new Date("2026-05-04T09:00:00.000Z");

/** A gitleaks report over many read chunks: each secret seen in several places, twice over. */
function writeReport(path: string, tail = "\n]\n"): void {
  const items: string[] = [];
  for (let i = 0; i < DISTINCT * 6; i++) {
    const n = Math.floor(i / 3) % DISTINCT;
    items.push(
      JSON.stringify({
        RuleID: "generic-api-key",
        Description: "Generic API Key",
        StartLine: (i % 7) + 1,
        Secret: `hostile-staging-${n}-5e4d3c2b1a09`,
        File: `services/svc-${n}/settings-${i % 4}.py`,
        Commit: (i % 4).toString(16).padStart(40, "0"),
        Message: "m".repeat(3_000),
        Tags: [],
      }),
    );
  }
  writeFileSync(path, `[\n${items.join(",\n")}${tail}`);
}

/** Every byte appended to a staging file from now on (copies: a buffer may be reused). */
function stagingWrites(): Buffer[] {
  const written: Buffer[] = [];
  const append = StagingFile.prototype.append;
  vi.spyOn(StagingFile.prototype, "append").mockImplementation(function (
    this: StagingFile,
    data,
    length,
  ) {
    written.push(Buffer.from(data));
    append.call(this, data, length);
  });
  return written;
}

describe("a staged ingest, hostile cases", () => {
  let h: Harness;
  let tmp: string;
  const savedTmp = process.env.TMPDIR;
  beforeEach(async () => {
    h = await new Harness().start();
    // A temp dir of this test's own: what is left in it is what ingest left.
    tmp = scratchDir("staging-tmp-");
    process.env.TMPDIR = tmp;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await h.dispose();
  });

  const stream = async (path: string, options: ReadOptions = {}) =>
    (await streamFindings(path, { now, ...options }, SMALL)).batches;

  /** The batches, checking after each one is staged that nothing is named in the temp dir. */
  async function* watched(
    batches: AsyncIterable<SightedBatch>,
    seen: string[][],
  ): AsyncGenerator<SightedBatch> {
    for await (const batch of batches) {
      yield batch;
      seen.push(readdirSync(tmp));
    }
  }

  it("names nothing in the temp dir while staging, nor once the report breaks", async () => {
    const path = join(h.dir, "broken.json");
    writeReport(path, ',\n{"RuleID": "generic-api-key", "File": ');
    const written = stagingWrites();
    const seen: string[][] = [];

    const failed = await h.engine
      .ingestBatches(watched(await stream(path), seen))
      .catch((e: unknown) => e);

    expect(failed).toMatchObject({
      code: "MALFORMED_REPORT",
      details: { line: expect.any(Number) as unknown },
    });
    expect(written.length).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.flat()).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    expect(await h.store.listFindings()).toEqual([]);
    expect(await h.store.listSecrets()).toEqual([]);
  });

  it("stores the same findings, counted as updated, when a report is ingested twice", async () => {
    const path = join(h.dir, "report.json");
    writeReport(path);
    const findings = async () =>
      (await h.store.listFindings())
        .map((r) => r.finding)
        .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1));

    const first = await h.engine.ingestBatches(await stream(path));
    const once = await findings();
    const again = await h.engine.ingestBatches(await stream(path));

    expect(first).toMatchObject({ added: DISTINCT, updated: 0 });
    expect(again).toMatchObject({ added: 0, updated: DISTINCT });
    expect(await findings()).toStrictEqual(once);
    const whole = await collectFindings(path, { now });
    for (const f of once) {
      const same = whole.records.find(
        (r) => r.finding.fingerprint === f.fingerprint,
      );
      expect(f).toStrictEqual(same?.finding);
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it("merges sightings into findings stored before with places in another key order", async () => {
    const path = join(h.dir, "report.json");
    writeReport(path);
    const whole = await collectFindings(path, { now });
    // As an older closeloop stored them: places with fields in the order its parser set them;
    // the first finding with all its places (and closed), the others with two.
    const reordered = (f: Finding, places: number): Finding => ({
      ...f,
      locations: f.locations.slice(0, places).map((l) => {
        const { source, file, lineReported, commit } = l;
        return { commit, lineReported, file, source } as typeof l;
      }),
    });
    const old = whole.records.map((r, i) => ({
      finding: reordered(r.finding, i === 0 ? Infinity : 2),
      sealedSecret: null,
    }));
    await h.store.upsertFindings(old, now.toISOString());
    const closed = old[0]?.finding.fingerprint ?? "";
    await h.store.transition(closed, "new", "closed", {}, now.toISOString());
    expect(JSON.stringify(old[0]?.finding)).toMatch(/"locations":\[\{"commit"/);

    const summary = await h.engine.ingestBatches(await stream(path));

    // The closed one was seen again at no new place: not a regression, not touched.
    expect(summary).toMatchObject({
      added: 0,
      updated: DISTINCT - 1,
      regressions: 0,
    });
    expect(await h.stateOf(closed)).toBe("closed");
    for (const r of whole.records) {
      const stored = await h.store.getFinding(r.finding.fingerprint);
      const keys = (stored?.finding.locations ?? []).map(
        (l) => `${l.file}|${l.lineReported}|${l.commit}`,
      );
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toHaveLength(r.finding.locations.length);
    }
  });

  it("keeps a secret that only a later batch carries, sealed", async () => {
    const shell = (seed: string, line: number) =>
      new Sightings(
        makeFinding(seed, {
          locations: [
            { source: "gitleaks", file: "a.env", lineReported: line },
          ],
        }),
      );
    const value = "only-in-the-last-batch-3c2b1a09f8e7";
    const list: SightedBatch[] = [1, 2, 3].map((line) => ({
      kind: "findings",
      records: [
        {
          sightings: shell("late", line),
          secret: line === 3 ? new SecretValue(value) : null,
        },
      ],
      last: line === 3,
    }));
    async function* batches(): AsyncGenerator<SightedBatch> {
      for (const batch of list) yield await Promise.resolve(batch);
    }
    const written = stagingWrites();

    await h.engine.ingestBatches(batches());

    const fp = makeFinding("late").fingerprint;
    const stored = await h.store.getFinding(fp);
    expect(stored?.hasSecret).toBe(true);
    expect(stored?.finding.locations.map((l) => l.lineReported)).toEqual([
      1, 2, 3,
    ]);
    const sealed = await h.store.getSecret(fp);
    expect(sealed).not.toBeNull();
    expect(Buffer.concat(written).includes(Buffer.from(value))).toBe(false);
    // The sealed value was staged: its ciphertext is among the staged bytes.
    expect(Buffer.concat(written).includes(sealed?.ciphertext ?? "")).toBe(
      true,
    );
  });

  it("stages and prints no canary of any report format in clear text, only sealed", async () => {
    const written = stagingWrites();
    const reports = canaryReports();
    const printed: string[] = [];

    for (const r of reports) {
      const dir = join(h.dir, "reports", r.file.replace(/\W/g, "-"));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, r.file), r.text);
      for (const [name, text] of Object.entries(r.project ?? {})) {
        writeFileSync(join(dir, name), text);
      }
      const options: ReadOptions =
        r.project === undefined ? {} : { sourceRoot: dir };
      const tiny = { locations: 1, findings: 1, arenaBytes: 64 };
      const file = join(dir, r.file);
      const report = await streamFindings(file, options, tiny);
      await h.engine.ingestBatches(report.batches);
      const dry = await streamFindings(file, options, tiny);
      for await (const s of mergedSightings(dry.batches)) {
        printed.push(dryRunJsonLine(s));
      }
    }

    const staged = Buffer.concat(written);
    expect(printed.length).toBeGreaterThanOrEqual(reports.length);
    for (const r of reports) {
      for (const [name, canary] of Object.entries(r.canaries)) {
        expect(
          printed.join("\n"),
          `dry run of ${r.name}: ${name}`,
        ).not.toContain(canary);
      }
    }
    expect(staged.length).toBeGreaterThan(0);
    for (const r of reports) {
      for (const [name, canary] of Object.entries(r.canaries)) {
        expect(staged.includes(Buffer.from(canary)), `${r.name} ${name}`).toBe(
          false,
        );
      }
    }
    const withSecret = reports.filter((r) => r.secret !== null).length;
    expect(await h.store.listSecrets()).toHaveLength(withSecret);
  });
});
