import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/domain/finding.js";
import { mergedSightings } from "../../../src/cli/ingest-file.js";
import { collectFindings, streamFindings } from "../../../src/ingest/index.js";
import type { MergeBounds } from "../../../src/ingest/collect.js";
import type { FormatName, ReadOptions } from "../../../src/ingest/index.js";
import {
  dryRunJsonLine,
  findingToDryRunJson,
} from "../../../src/ingest/dry-run.js";
import { writeReport } from "../ingest/helpers.js";
import { findingOfJsonParts } from "../../helpers/fakes/findings.js";

/** Bounds far below the reports here: every one is staged in many runs. */
const SMALL: MergeBounds = { locations: 50, findings: 40, arenaBytes: 4096 };
/** Makes each item a few KB: a report then spans many read chunks, so many batches. */
const PADDING = "p".repeat(3_000);
/** One ingest time for both reads: a sighting without a date is dated by it. */
const now = new Date("2026-05-04T09:00:00.000Z");

interface Item {
  secret: string;
  file: string;
  line?: number;
  rule?: string;
  tags?: string[];
  date?: string;
}

function gitleaks(items: readonly Item[]): string {
  return JSON.stringify(
    items.map((i) => ({
      RuleID: i.rule ?? "generic-api-key",
      Description: "Generated",
      StartLine: i.line ?? 1,
      Secret: i.secret,
      File: i.file,
      ...(i.date === undefined ? {} : { Date: i.date }),
      Tags: i.tags ?? [],
      Message: PADDING,
    })),
    null,
    1,
  );
}

const secretOf = (n: number) => `hostile-${n}-7d3c1b0a9f8e7d6c5b4a`;

/** The findings of a staged read, and of the whole-file merge, by fingerprint. */
async function bothWays(path: string, format?: FormatName) {
  const options: ReadOptions = format === undefined ? { now } : { now, format };
  const staged = new Map<string, Finding>();
  const lines = new Map<string, unknown>();
  const report = await streamFindings(path, options, SMALL);
  const kinds: string[] = [];
  async function* counted() {
    for await (const batch of report.batches) {
      kinds.push(batch.kind);
      yield batch;
    }
  }
  for await (const s of mergedSightings(counted())) {
    staged.set(s.fingerprint, s.toFinding());
    lines.set(s.fingerprint, JSON.parse(dryRunJsonLine(s)));
    expect(findingOfJsonParts(s)).toStrictEqual(s.toFinding());
  }
  const whole = new Map<string, Finding>();
  for (const r of (await collectFindings(path, options)).records) {
    whole.set(r.finding.fingerprint, r.finding);
  }
  // Staged indeed: findings handed on before the last batch, and locations apart.
  expect(kinds.filter((k) => k === "findings").length).toBeGreaterThan(2);
  expect(kinds).toContain("locations");
  return { staged, whole, lines };
}

/** Checks both reads agree; answers the most places any finding had past the cap. */
async function expectSameAsWhole(items: readonly Item[]): Promise<number> {
  return expectReportSameAsWhole(gitleaks(items));
}

async function expectReportSameAsWhole(
  text: string,
  format?: FormatName,
): Promise<number> {
  const path = writeReport("report.json", text);
  const { staged, whole, lines } = await bothWays(path, format);
  expect([...staged.keys()].sort()).toEqual([...whole.keys()].sort());
  for (const [fp, f] of whole) {
    expect(staged.get(fp)).toStrictEqual(f);
    expect(lines.get(fp)).toStrictEqual(findingToDryRunJson(f));
  }
  return Math.max(...[...whole.values()].map((f) => f.locationsOmitted ?? 0));
}

/**
 * Sightings of `distinct` secrets, each seen `times` times close together (repeats within one
 * held batch) and then all of them again (repeats across batches); `fileOf` names each place.
 */
function rounds(
  distinct: number,
  times: number,
  fileOf: (n: number, round: number) => string,
): Item[] {
  const items: Item[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let from = 0; from < distinct; from += 20) {
      for (let r = pass * times; r < (pass + 1) * times; r++) {
        for (let n = from; n < Math.min(from + 20, distinct); n++) {
          items.push({ secret: secretOf(n), file: fileOf(n, r), line: r + 1 });
        }
      }
    }
  }
  return items;
}

describe("a staged read of a hostile report", () => {
  it("merges places named in any script as the whole-file read does", async () => {
    const names = [
      "café/é.env",
      "漢字/設定.yaml",
      "emoji/🔑🗝️.txt",
      "new\nline/x.env",
      "sep\u2028arator/y.env",
      "lone\ud800half/z.env",
      'quote"and\\slash.env',
      "tab\there\u0000nul.env",
    ];
    await expectSameAsWhole(
      rounds(120, 4, (n, r) => `${names[(n + r) % names.length]}-${n % 7}`),
    );
  });

  it("merges a place whose file name is 70 KB of text", async () => {
    const long = "é漢🔑".repeat(70_000 / 9);
    await expectSameAsWhole(
      rounds(90, 3, (n, r) => (n % 10 === 0 ? `${long}${r}` : `f-${n}-${r}`)),
    );
  });

  it("keeps the same first 1,000 places and the same omitted count past the cap", async () => {
    const items = rounds(60, 3, (n, r) => `other-${n}-${r}.env`);
    // One secret at 1,400 places, seen across the whole report, some places seen twice.
    for (let i = 0; i < 1_400; i++) {
      items.splice(i % items.length, 0, {
        secret: "the-template-secret-0a1b2c3d4e5f",
        file: `copies/c-${i}.env`,
      });
      if (i % 5 === 0) {
        items.push({
          secret: "the-template-secret-0a1b2c3d4e5f",
          file: `copies/c-${i}.env`,
        });
      }
    }
    // 400 places past the cap, and the 80 of them seen twice.
    expect(await expectSameAsWhole(items)).toBe(480);
  });

  it("merges tags, rules and dates that differ between rounds", async () => {
    const items = rounds(100, 3, (n, r) => `f-${n}-${r % 2}.env`).map(
      (item, i) => ({
        ...item,
        rule: i % 3 === 0 ? "generic-api-key" : "aws-access-token",
        tags: [`t-${i % 5}`, i % 2 === 0 ? "even" : "odd"],
        date: `202${i % 7}-01-0${(i % 9) + 1}T00:00:00Z`,
      }),
    );
    await expectSameAsWhole(items);
  });
});

interface Incident {
  id: number;
  status: string;
  severity: string;
  tags: string[];
  files: string[];
}

/** A GitGuardian incidents list: one record per incident, its occurrences its places. */
function incidents(list: readonly Incident[]): string {
  return JSON.stringify(
    list.map((i) => ({
      id: i.id,
      detector: { name: "generic_password" },
      status: i.status,
      severity: i.severity,
      tags: i.tags,
      occurrences: i.files.map((f) => ({ incident_id: i.id, filepath: f })),
      padding: PADDING,
    })),
  );
}

describe("a staged read of incidents that change between rounds", () => {
  it("merges status, severity and tags as the whole-file read does", async () => {
    const statuses = ["RESOLVED", "IGNORED", "TRIGGERED", "RESOLVED"];
    const severities = ["low", "medium", "critical", "high"];
    const list: Incident[] = [];
    // The secrets of one rounds() item, as incidents: id n + 1, one round of it an occurrence.
    for (const [i, item] of rounds(80, 3, (n, r) => `f-${n}-${r}`).entries()) {
      const id = Number(item.secret.split("-")[1]) + 1;
      const r = item.line ?? 0;
      list.push({
        id,
        status: statuses[(id + i) % 4] ?? "TRIGGERED",
        severity: severities[(id * r) % 4] ?? "high",
        tags: [`round-${r % 3}`, `id-${id % 3}`],
        files: [`${item.file}.env`, `f-${id}-${(r + 1) % 4}.env`],
      });
    }
    await expectReportSameAsWhole(incidents(list), "gitguardian-api");
  });

  it("counts places past the cap in one incident the same way, repeats included", async () => {
    const many = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => `copies/c-${from + i}.env`);
    const list: Incident[] = [];
    const filler = (r: number) =>
      Array.from({ length: 60 }, (_, i) => ({
        id: 1000 + i,
        status: "TRIGGERED",
        severity: "high",
        tags: [],
        files: [`filler-${i}-${r}.env`],
      }));
    const hot = (files: string[]): Incident => ({
      id: 7,
      status: "TRIGGERED",
      severity: "high",
      tags: [],
      files,
    });
    list.push(hot(many(0, 5)), ...filler(0));
    // Seen again once the first findings were handed on: 1,200 places, some twice.
    const second = many(100, 1_200);
    list.push(hot([...second, ...second.slice(990, 1_010)]), ...filler(1));
    list.push(hot(many(2_000, 30)), ...filler(2));
    // 205 places past the cap, 15 of them twice, and the last 30.
    expect(
      await expectReportSameAsWhole(incidents(list), "gitguardian-api"),
    ).toBe(250);
  });
});
