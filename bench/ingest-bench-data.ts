import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** Distinct secrets in the generated reports: the rest are repeat sightings, as in real repos. */
const DISTINCT = 20_000;

function gitleaksItem(i: number): string {
  const n = i % DISTINCT;
  return JSON.stringify(
    {
      RuleID: n % 3 === 0 ? "aws-access-token" : "generic-api-key",
      Description: "Generated finding for the ingest benchmark",
      StartLine: (i % 400) + 1,
      EndLine: (i % 400) + 1,
      StartColumn: 12,
      EndColumn: 52,
      Match: `api_key = "bench-${n.toString(36).padStart(8, "0")}-secret-value-padding"`,
      Secret: `bench-${n.toString(36).padStart(8, "0")}-secret-value-padding`,
      File: `services/svc-${i % 97}/config/settings-${i % 13}.yaml`,
      SymlinkFile: "",
      Commit: (i * 2654435761).toString(16).padStart(40, "0").slice(0, 40),
      Entropy: 4.3,
      Author: "Bench Author",
      Email: "bench@example.com",
      Date: "2024-01-02T03:04:05Z",
      Message: "bench: a commit message that is about as long as a real one",
      Tags: ["bench", "generated"],
      Fingerprint: `commit:services/svc-${i % 97}/config/settings.yaml:generic-api-key:${i}`,
    },
    null,
    1,
  );
}

function trufflehogLine(i: number): string {
  const n = i % DISTINCT;
  return JSON.stringify({
    SourceMetadata: {
      Data: {
        Git: {
          commit: (i * 2654435761).toString(16).padStart(40, "0").slice(0, 40),
          file: `services/svc-${i % 97}/.env`,
          email: "bench <bench@example.com>",
          repository: "https://github.com/example/bench",
          timestamp: "2024-01-02 03:04:05 +0000",
          line: (i % 400) + 1,
        },
      },
    },
    SourceID: 1,
    SourceType: 16,
    SourceName: "trufflehog - git",
    DetectorType: 17,
    DetectorName: "URI",
    DecoderName: "PLAIN",
    Verified: false,
    Raw: `https://bench:bench-${n.toString(36)}-pw@api.example.com/v1`,
    Redacted: "https://bench:********@api.example.com/v1",
    ExtraData: null,
    StructuredData: null,
  });
}

/** Writes a gitleaks JSON report (an indented array, as gitleaks writes it) of about sizeMb. */
export async function writeGitleaksReport(
  path: string,
  sizeMb: number,
): Promise<void> {
  await writeItems(path, sizeMb, "[\n", ",\n", "\n]\n", gitleaksItem);
}

/** Writes a TruffleHog JSON-lines report of about sizeMb. */
export async function writeTrufflehogReport(
  path: string,
  sizeMb: number,
): Promise<void> {
  await writeItems(path, sizeMb, "", "\n", "\n", trufflehogLine);
}

async function writeItems(
  path: string,
  sizeMb: number,
  open: string,
  separator: string,
  close: string,
  item: (i: number) => string,
): Promise<void> {
  const target = sizeMb * 1024 * 1024;
  const out = createWriteStream(path);
  let written = 0;
  let batch: string[] = [];
  out.write(open);
  for (let i = 0; written < target; i++) {
    const text = (i === 0 ? "" : separator) + item(i);
    written += Buffer.byteLength(text);
    batch.push(text);
    if (batch.length >= 2000) {
      if (!out.write(batch.join(""))) await once(out, "drain");
      batch = [];
    }
  }
  out.write(batch.join("") + close);
  out.end();
  await once(out, "finish");
}
