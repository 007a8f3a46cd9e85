import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectFindings } from "../../../src/ingest/index.js";
import { sha256Hex } from "../../../src/domain/secret.js";
import { fixture, writeReport } from "./helpers.js";
import { scratchDir } from "../../helpers/scratch-dir.js";

const SECRETLINT = fixture("sarif/secretlint-postgres.sarif");
const PROJECT = fixture("sarif/project");

describe("SARIF", () => {
  it("recovers secretlint's masked connection string from the file under sourceRoot", async () => {
    const result = await collectFindings(SECRETLINT, { sourceRoot: PROJECT });

    expect(result.format).toBe("sarif");
    expect(result.records).toHaveLength(1);
    const { finding, secret } = result.records[0]!;
    expect(finding).toMatchObject({
      source: "secretlint",
      detector: "postgres-connection-string",
      status: "open",
      preview:
        "postgres://svc_leaky:********@db.internal.example:5432/payments",
      secretHash: sha256Hex("Xk9pQ2vL7mZr4TnB"),
      locations: [
        { source: "secretlint", file: "app.env", lineReported: 1, column: 14 },
      ],
      hints: {
        postgres: {
          host: "db.internal.example",
          port: 5432,
          database: "payments",
          user: "svc_leaky",
        },
      },
    });
    expect(secret?.reveal()).toBe("Xk9pQ2vL7mZr4TnB");
  });

  it("falls back to a rule-and-place fingerprint when the source is not available", async () => {
    const a = await collectFindings(SECRETLINT);
    const b = await collectFindings(SECRETLINT, { sourceRoot: "/nonexistent" });

    expect(a.records[0]!.secret).toBeNull();
    expect(a.records[0]!.finding.detector).toBe("database-connection-string");
    expect(a.records[0]!.finding.fingerprint).toBe(
      b.records[0]!.finding.fingerprint,
    );
  });

  it("reads only files inside sourceRoot", async () => {
    const dir = scratchDir("closeloop-sarif-");
    mkdirSync(join(dir, "root"));
    writeFileSync(
      join(dir, "outside.env"),
      "x".repeat(13) + "postgres://u:p@h/db\n",
    );
    const sarif = readFileSync(SECRETLINT, "utf8").replace(
      /"uri": "app.env"/g,
      '"uri": "../outside.env"',
    );

    const result = await collectFindings(writeReport("t.sarif", sarif), {
      sourceRoot: join(dir, "root"),
    });

    expect(result.records[0]!.secret).toBeNull();
  });

  it("accepts file:// URIs and CRLF sources", async () => {
    const dir = scratchDir("closeloop-sarif-");
    copyFileSync(join(PROJECT, "app.env"), join(dir, "app.env"));
    writeFileSync(
      join(dir, "app.env"),
      "# header\r\n" + readFileSync(join(PROJECT, "app.env"), "utf8"),
    );
    const sarif = readFileSync(SECRETLINT, "utf8")
      .replace(/"uri": "app.env"/g, `"uri": "file://${dir}/app.env"`)
      .replace(/"startLine": 1/, '"startLine": 2')
      .replace(/"endLine": 1/, '"endLine": 2');

    const result = await collectFindings(writeReport("t.sarif", sarif), {
      sourceRoot: dir,
    });

    expect(result.records[0]!.secret?.reveal()).toBe("Xk9pQ2vL7mZr4TnB");
    expect(result.records[0]!.finding.locations[0]!.file).toBe("app.env");
  });

  it("gives gitleaks SARIF and gitleaks JSON of one secret the same fingerprint", async () => {
    const sarif = await collectFindings(fixture("gitleaks/sarif_simple.sarif"));
    const json = await collectFindings(fixture("gitleaks/json_simple.json"));

    expect(sarif.records[0]!.finding.fingerprint).toBe(
      json.records[0]!.finding.fingerprint,
    );
    expect(sarif.records[0]!.finding.tags).toEqual(["tag1", "tag2", "tag3"]);
  });

  it("marks suppressed results as suppressed", async () => {
    const doc = JSON.parse(
      readFileSync(fixture("gitleaks/sarif_simple.sarif"), "utf8"),
    ) as {
      runs: { results: Record<string, unknown>[] }[];
    };
    doc.runs[0]!.results[0]!.suppressions = [{ kind: "inSource" }];

    const result = await collectFindings(
      writeReport("s.sarif", JSON.stringify(doc)),
    );

    expect(result.records[0]!.finding.status).toBe("suppressed");
  });
});
