import { describe, expect, it } from "vitest";
import { collectFindings } from "../../../src/ingest/index.js";
import { decodeRaw } from "../../../src/ingest/formats/trufflehog.js";
import { fixture, writeReport } from "./helpers.js";

describe("TruffleHog JSON lines", () => {
  it("collapses a PEM key with and without a trailing newline into one finding (BR-03)", async () => {
    const result = await collectFindings(
      fixture("trufflehog/br03-pem-crlf.jsonl"),
    );

    expect(result).toMatchObject({ format: "trufflehog", stats: { items: 2 } });
    expect(result.records).toHaveLength(1);
    const finding = result.records[0]!.finding;
    expect(finding.detector).toBe("private-key");
    expect(finding.locations).toEqual([
      { source: "trufflehog", file: "deploy/key.go", lineReported: 1 },
      {
        source: "trufflehog",
        file: "deploy/key.go",
        lineReported: 3,
        commit: "<SHA>",
      },
    ]);
  });

  it("decodes the base64 Raw of old reports to the same identity as plain Raw", async () => {
    const plain = await collectFindings(
      fixture("trufflehog/README-json-output-example.jsonl"),
    );
    const old = await collectFindings(fixture("trufflehog/v3_git.json"));

    const fingerprints = old.records.map((r) => r.finding.fingerprint);
    expect(fingerprints).toContain(plain.records[0]!.finding.fingerprint);
    expect(plain.records[0]!.finding).toMatchObject({
      detector: "aws-access-key",
      severity: "critical",
      hints: {
        awsAccountId: "595918472158",
        awsAccessKeyId: "AKIAYVP4CIPPERUVIFXG",
      },
    });
  });

  it("decodes each Raw value alike however often it comes, base64 or not", () => {
    const encoded = Buffer.from("postgres://app:pw@db/app").toString("base64");
    const keyId = "AKIAYVP4CIPPERUVIFXG";

    for (let round = 0; round < 3; round++) {
      expect(decodeRaw(encoded)).toBe("postgres://app:pw@db/app");
      expect(decodeRaw(keyId)).toBe(keyId);
      expect(decodeRaw("////////")).toBe("////////");
    }
  });

  it("reports a broken line with its line number", async () => {
    const text = '{"DetectorName":"X","Raw":"abc"}\n\n{"DetectorName":\n';

    await expect(
      collectFindings(writeReport("t.jsonl", text), { format: "trufflehog" }),
    ).rejects.toMatchObject({ code: "MALFORMED_REPORT", details: { line: 3 } });
  });

  it("refuses a line longer than 16 MB, naming the line where it starts", async () => {
    const good = '{"DetectorName":"URI","Raw":"https://u:p@h.example"}';
    const endless = `{"DetectorName":"URI","Raw":"${"r".repeat(17 * 1024 * 1024)}`;

    await expect(
      collectFindings(writeReport("endless.jsonl", `${good}\n${endless}`), {
        format: "trufflehog",
      }),
    ).rejects.toMatchObject({
      code: "MALFORMED_REPORT",
      message: expect.stringContaining("longer than 16 MB") as unknown,
      details: { line: 2 },
    });
  });
});
