import { describe, expect, it } from "vitest";
import {
  collectFindings,
  readReport,
  readReportBatches,
  streamFindings,
} from "../../../src/ingest/index.js";
import type { IngestRecord } from "../../../src/ingest/index.js";
import { writeReport } from "./helpers.js";

function gitleaksItem(i: number): Record<string, unknown> {
  return {
    RuleID: i % 2 === 0 ? "generic-api-key" : "aws-access-token",
    Description: "Generated",
    StartLine: i + 1,
    Secret: `value-${i % 50}-${"é".repeat(i % 3)}-padding-to-cross-chunks`,
    File: `dir/file-${i}.env`,
    Commit: `c${i}`,
    Match: "x".repeat(900),
    Tags: ["a", "a", "b"],
  };
}

const now = new Date("2024-05-01T00:00:00Z");

async function all(path: string): Promise<IngestRecord[]> {
  const out: IngestRecord[] = [];
  for await (const batch of readReportBatches(path, { now }))
    out.push(...batch);
  return out;
}

describe("batched ingest", () => {
  it("gives the same records in batches as one by one, across 1 MB chunks", async () => {
    const items = Array.from({ length: 3000 }, (_, i) => gitleaksItem(i));
    const path = writeReport("many.json", JSON.stringify(items, null, 1));

    const batched = await all(path);
    const single: IngestRecord[] = [];
    for await (const record of readReport(path, { now })) single.push(record);
    const collected = await collectFindings(path);

    expect(batched).toHaveLength(3000);
    expect(batched.map((r) => r.finding)).toEqual(single.map((r) => r.finding));
    expect(batched[2999]?.finding.locations[0]?.lineReported).toBe(3000);
    expect(batched[4]?.finding.tags).toEqual(["a", "b"]);
    expect(collected.records).toHaveLength(150);
  });

  it("names the line of a bad item found on the fast path", async () => {
    const items: unknown[] = [gitleaksItem(0), gitleaksItem(1)];
    items.push({ RuleID: "r", File: "f", StartLine: "3", Secret: "s" });
    const path = writeReport("bad.json", JSON.stringify(items, null, 1));

    await expect(collectFindings(path)).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      details: {
        itemIndex: 2,
        line: 1 + 2 * 14 + 1,
        fields: [expect.stringMatching(/^StartLine/)] as unknown,
      },
    });
  });

  it("names the line of a bad TruffleHog line, never its value", async () => {
    const good = JSON.stringify({ DetectorName: "URI", Raw: "https://u:p@h" });
    const bad = JSON.stringify({ DetectorName: "URI", Raw: 42 });
    const path = writeReport("th.jsonl", `${good}\n\n${bad}\n`);

    const error = await collectFindings(path, { format: "trufflehog" }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({
      code: "MALFORMED_REPORT",
      details: { itemIndex: 1, line: 3 },
    });
    expect(String((error as Error).message)).not.toContain("u:p@h");
  });
});

describe("a large read's hooks", () => {
  it("tells when each batch of findings has been taken, and when the file is read", async () => {
    const items = Array.from({ length: 400 }, (_, i) => ({
      ...gitleaksItem(i),
      Secret: `distinct-${i}-padding-to-be-a-secret`,
    }));
    const path = writeReport("hooks.json", JSON.stringify(items));
    const events: string[] = [];

    const report = await streamFindings(
      path,
      {
        onRead: () => events.push("read"),
        onFindingsHandedOn: () => events.push("taken"),
      },
      { locations: 10_000, findings: 50 },
    );
    for await (const batch of report.batches) {
      if (batch.kind === "findings") events.push(`findings:${batch.last}`);
    }

    // Each batch handed on before the end is taken before the read goes on; the file is read
    // before the last one.
    const handedOn = events.filter((e) => e === "findings:false").length;
    expect(handedOn).toBeGreaterThanOrEqual(2);
    expect(events).toEqual([
      ...Array.from({ length: handedOn }, () => [
        "findings:false",
        "taken",
      ]).flat(),
      "read",
      "findings:true",
    ]);
  });
});

describe("merges that run at once", () => {
  it("each merge its own report as it would alone, read batch by batch in turn", async () => {
    // Both see the same values, so they share what the value cache notes for a merge; in another
    // order, so a note one merge took for its own would name the wrong finding.
    const items = Array.from({ length: 600 }, (_, i) => gitleaksItem(i));
    const paths = [
      writeReport("twice.json", JSON.stringify(items)),
      writeReport("reversed.json", JSON.stringify([...items].reverse())),
    ];
    const alone = await Promise.all(
      paths.map((p) => collectFindings(p, { now })),
    );
    const bounds = { locations: 40, findings: 20 };
    const streams = await Promise.all(
      paths.map((p) => streamFindings(p, { now }, bounds)),
    );

    const iterators = streams.map((s) => s.batches[Symbol.asyncIterator]());
    const locations = streams.map(() => new Map<string, string[]>());
    for (let done = 0; done < iterators.length;) {
      done = 0;
      for (const [k, it] of iterators.entries()) {
        const next = await it.next();
        if (next.done === true) {
          done += 1;
          continue;
        }
        const into = locations[k]!;
        const add = (fp: string, keys: string[]) =>
          into.set(fp, [...(into.get(fp) ?? []), ...keys]);
        const batch = next.value;
        if (batch.kind === "locations")
          for (const row of batch.locations)
            add(row.fingerprint, String(row.locations).split("\n"));
        else
          for (const { sightings } of batch.records)
            add(
              sightings.fingerprint,
              sightings.drainLocations().locations.toString().split("\n"),
            );
      }
    }

    const files = (keys: string[]) =>
      new Set(
        keys
          .filter((k) => k !== "")
          .map((k) => (JSON.parse(k) as { file: string }).file),
      );
    for (const [k, merged] of locations.entries()) {
      const records = alone[k]!.records;
      expect(merged.size).toBe(records.length);
      for (const { finding } of records)
        expect(files(merged.get(finding.fingerprint) ?? [])).toEqual(
          new Set(finding.locations.map((l) => l.file)),
        );
    }
  });
});
