import { describe, expect, it } from "vitest";
import { collectFindings, readReport } from "../../../src/ingest/index.js";
import { sha256Hex } from "../../../src/domain/secret.js";
import { fixture, writeReport } from "./helpers.js";

const V7 = [
  {
    line: 'aws_key = "AKIAIOSFODNN7EXAMPLE"',
    lineNumber: 3,
    offender: "AKIAIOSFODNN7EXAMPLE",
    offenderEntropy: -1,
    rule: "AWS Access Key",
    file: "config/app.env",
    commit: "abc123",
    repo: "repo",
    tags: "key, AWS",
    author: "a",
    email: "e",
    date: "2021-05-01T10:00:00Z",
  },
];
const V8 = [
  {
    RuleID: "aws-access-token",
    Description: "AWS Access Key",
    StartLine: 3,
    EndLine: 3,
    StartColumn: 11,
    EndColumn: 30,
    Match: 'aws_key = "AKIAIOSFODNN7EXAMPLE"',
    Secret: "AKIAIOSFODNN7EXAMPLE",
    File: "config/app.env",
    SymlinkFile: "",
    Commit: "abc123",
    Entropy: 3.6,
    Date: "2021-05-01T10:00:00Z",
    Tags: [],
    Fingerprint: "abc123:config/app.env:aws-access-token:3",
  },
];

describe("gitleaks JSON", () => {
  it("normalises v7 and v8 reports of one key to the same finding (BR-02)", async () => {
    const v7 = await collectFindings(
      writeReport("v7.json", JSON.stringify(V7)),
    );
    const v8 = await collectFindings(
      writeReport("v8.json", JSON.stringify(V8)),
    );

    const [a, b] = [v7.records[0]!.finding, v8.records[0]!.finding];
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a).toMatchObject({
      detector: "aws-access-key",
      secretHash: sha256Hex("AKIAIOSFODNN7EXAMPLE"),
      locations: [
        { file: "config/app.env", lineReported: 3, commit: "abc123" },
      ],
      hints: { awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE" },
    });
    expect(a.tags).toEqual(["key", "AWS"]);
    expect(b.tags).toEqual([]);
    expect(b.detector).toBe("aws-access-key");
  });

  it("merges two sightings of one secret into one finding with both locations", async () => {
    const report = [...V8, { ...V8[0], File: "other/file.env", StartLine: 9 }];

    const result = await collectFindings(
      writeReport("two.json", JSON.stringify(report)),
    );

    expect(result.records).toHaveLength(1);
    expect(result.records[0]!.finding.locations.map((l) => l.file)).toEqual([
      "config/app.env",
      "other/file.env",
    ]);
    expect(result.stats.items).toBe(2);
  });

  it("classifies one value under each rule it comes with, not only the first", async () => {
    const value = "not-a-known-shape-0123456789";
    const item = (rule: string) => ({ ...V8[0], RuleID: rule, Secret: value });
    const detectorsOf = async (name: string, rules: string[]) => {
      const out: string[] = [];
      const path = writeReport(name, JSON.stringify(rules.map(item)));
      for await (const r of readReport(path)) out.push(r.finding.detector);
      return out;
    };

    const together = await detectorsOf("rules.json", [
      "generic-api-key",
      "slack-webhook",
      "generic-api-key",
    ]);

    const [generic] = await detectorsOf("a.json", ["generic-api-key"]);
    const [slack] = await detectorsOf("b.json", ["slack-webhook"]);
    expect(together).toEqual([generic, slack, generic]);
    expect(generic).not.toBe(slack);
  });

  it("reads the real gitleaks fixtures", async () => {
    const simple = await collectFindings(fixture("gitleaks/json_simple.json"));
    const many = await collectFindings(fixture("gitleaks/gitleaks8_many.json"));

    expect(simple).toMatchObject({ status: "ok", format: "gitleaks-json" });
    expect(simple.records[0]!.secret?.reveal()).toBe("a secret");
    expect(many.stats.items).toBe(4);
    expect(many.records.length).toBeLessThan(4);
  });

  it("keys redacted values by place, since the value is gone", async () => {
    const result = await collectFindings(
      fixture("gitleaks/redacted_data_many.json"),
    );

    expect(result.records).toHaveLength(6);
    expect(
      result.records.every((r) => r.secret === null && !r.finding.secretHash),
    ).toBe(true);
  });

  it("answers ok_empty for [] and null, and for a missing report of a completed scan (BR-01)", async () => {
    const empty = await collectFindings(fixture("gitleaks/empty.json"));
    const nul = await collectFindings(writeReport("null.json", "null\n"));
    const missing = await collectFindings("/nonexistent/report.json", {
      scanCompleted: true,
    });

    for (const r of [empty, nul, missing]) {
      expect(r).toMatchObject({ status: "ok_empty", records: [] });
    }
  });

  it("refuses a missing report of an unfinished scan and a 0-byte file (BR-01)", async () => {
    await expect(
      collectFindings("/nonexistent/report.json"),
    ).rejects.toMatchObject({
      code: "REPORT_MISSING",
    });
    await expect(
      collectFindings(writeReport("zero.json", "")),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      details: { reason: "EMPTY_FILE" },
    });
  });

  it("names the keys of an unknown report (BR-02)", async () => {
    const path = writeReport("foo.json", '[{"foo":"bar"}]');

    await expect(collectFindings(path)).rejects.toMatchObject({
      code: "UNSUPPORTED_FORMAT",
      details: { keysFound: ["foo"] },
    });
  });

  it("names the missing fields and the item when --format forces gitleaks", async () => {
    const path = writeReport(
      "bad.json",
      JSON.stringify([V8[0], { RuleID: "x", File: "f" }]),
    );

    await expect(
      collectFindings(path, { format: "gitleaks-json" }),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      details: {
        itemIndex: 1,
        line: 1,
        fields: expect.arrayContaining([
          expect.stringMatching(/^Secret/),
        ]) as unknown,
      },
    });
  });

  it("reports the line and column where the JSON breaks", async () => {
    const text =
      '[\n  {"RuleID":"r","File":"f","StartLine":1,"Secret":"s"},\n  {"RuleID": oops}\n]';

    await expect(
      collectFindings(writeReport("broken.json", text)),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      details: { line: 3, column: 14 },
    });
  });

  it("reports a truncated file as malformed, with nothing returned", async () => {
    const text = JSON.stringify(V8).slice(0, -5);

    await expect(
      collectFindings(writeReport("cut.json", text)),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
    });
  });

  it("reports a file cut off after a whole finding, before its `]`, as malformed", async () => {
    const one = JSON.stringify(V8[0]);

    await expect(
      collectFindings(writeReport("cut-between.json", `[\n ${one},\n ${one}`)),
    ).rejects.toMatchObject({ code: "MALFORMED_REPORT" });
  });

  it("reports a comma missing between two findings as malformed, at the line of the second", async () => {
    // Indented like gitleaks' own output, and long enough to span many read chunks, with the
    // comma missing at the start, in the middle and near the end.
    const item = (i: number) =>
      JSON.stringify(
        { ...V8[0], Secret: `s-${i % 40}-padding`, StartLine: i },
        null,
        1,
      );
    const lines = (text: string) => text.split("\n").length;
    for (const missing of [1, 700, 1998]) {
      let text = "[\n";
      let line = 0;
      for (let i = 0; i < 2000; i++) {
        if (i === missing) line = lines(text);
        text +=
          item(i) + (i === 1999 ? "\n" : i === missing - 1 ? "\n" : ",\n");
      }
      text += "]\n";

      await expect(
        collectFindings(writeReport(`no-comma-${missing}.json`, text)),
        `missing before item ${missing}`,
      ).rejects.toMatchObject({ code: "MALFORMED_REPORT", details: { line } });
    }
  });

  it("reports a quote missing early in a long report at its line, not at the end of the file", async () => {
    const item = (i: number) =>
      JSON.stringify({ ...V8[0], File: `f/${i}.py`, StartLine: i }, null, 2);
    const items = Array.from({ length: 30_000 }, (_, i) => item(i));
    // `"File": "f/5.py"` loses its opening quote: every string after it is read inside out.
    items[5] = (items[5] ?? "").replace('"File"', 'File"');
    const text = `[\n${items.join(",\n")}\n]\n`;
    const line = text.slice(0, text.indexOf(' File": ')).split("\n").length;
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024);

    await expect(
      collectFindings(writeReport("no-quote.json", text)),
    ).rejects.toMatchObject({ code: "MALFORMED_REPORT", details: { line } });
  });

  it("refuses one finding longer than 16 MB, naming where it starts", async () => {
    const huge = JSON.stringify({
      ...V8[0],
      Match: "m".repeat(17 * 1024 * 1024),
    });

    await expect(
      collectFindings(writeReport("huge.json", `[\n${huge}\n]`)),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      message: expect.stringContaining("longer than 16 MB") as unknown,
      details: { line: 2 },
    });
  });

  it("streams records and reports progress", async () => {
    const seen: number[] = [];
    const path = fixture("gitleaks/gitleaks8_many.json");

    const records = [];
    for await (const r of readReport(path, {
      onProgress: (read) => seen.push(read),
    })) {
      records.push(r);
    }

    expect(records).toHaveLength(4);
    expect(seen.at(-1)).toBeGreaterThan(2000);
  });

  it("refuses a CSV row longer than 16 MB, a quote left open, at the line where it starts", async () => {
    const header = "RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine\n";
    const good = "generic-api-key,c1,a.env,,s3cr3t-value-1,m,1\n";
    const open = `generic-api-key,c2,b.env,,"never closed,m,2\n`;
    const rest = `${good}`.repeat(Math.ceil((17 * 1024 * 1024) / good.length));

    await expect(
      collectFindings(
        writeReport("open-quote.csv", header + good + open + rest),
      ),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      message: expect.stringContaining("longer than 16 MB") as unknown,
      details: { line: 3 },
    });
  });

  it("reads gitleaks CSV with multi-line quoted secrets", async () => {
    const simple = await collectFindings(fixture("gitleaks/csv_simple.csv"));
    const pem =
      "-----BEGIN RSA PRIVATE KEY-----\nAAAA\nBBBB\n-----END RSA PRIVATE KEY-----";
    const csv = `RuleID,Commit,File,SymlinkFile,Secret,Match,StartLine\r\nprivate-key,c1,k.pem,,"${pem}","x ""q""",4\r\n`;

    const multi = await collectFindings(writeReport("k.csv", csv));

    expect(simple).toMatchObject({ format: "gitleaks-csv", status: "ok" });
    expect(simple.records[0]!.finding.tags).toEqual(["tag1", "tag2", "tag3"]);
    expect(multi.records[0]!.secret?.reveal()).toBe(pem);
    expect(multi.records[0]!.finding).toMatchObject({
      detector: "private-key",
      locations: [{ lineReported: 4 }],
    });
  });
});
