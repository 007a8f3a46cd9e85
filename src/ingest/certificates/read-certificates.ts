import { X509Certificate } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import type { FindingLocation } from "../../domain/finding.js";
import { keyedRecord } from "../build-finding.js";
import { IngestError } from "../errors.js";
import type { IngestRecord, ReadOptions } from "../types.js";

const CERT_BLOCK =
  /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const CERT_EXTENSIONS = new Set([".pem", ".crt", ".cer", ".cert"]);
const DAY_MS = 86_400_000;

/**
 * Certificates in a PEM file or a directory of them that expire within the horizon (default 30
 * days), or already have. The identity is issuer + serial (reference §8): a renewal is a new one.
 */
export async function readCertificates(
  path: string,
  options: ReadOptions = {},
): Promise<IngestRecord[]> {
  const files = (await stat(path)).isDirectory()
    ? await listCertFiles(path)
    : [path];
  const records: IngestRecord[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const block of text.match(CERT_BLOCK) ?? []) {
      const cert = parseCert(block, file);
      const record = certificateRecord(
        cert,
        { source: "certificate", file },
        options,
      );
      if (record) records.push(record);
    }
  }
  return records;
}

/** A finding for a certificate expiring within the horizon, or null when it has time left. */
export function certificateRecord(
  cert: X509Certificate,
  location: FindingLocation,
  options: Pick<ReadOptions, "certificateHorizonDays" | "now"> = {},
): IngestRecord | null {
  const now = options.now ?? new Date();
  const horizonDays = options.certificateHorizonDays ?? 30;
  const validTo = new Date(cert.validTo);
  const daysLeft = Math.floor((validTo.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft > horizonDays) return null;
  const subject = commonName(cert.subject) ?? cert.subject.replace(/\n/g, ", ");
  const expired = daysLeft < 0;
  return keyedRecord(
    {
      source: "certificate",
      rule: "certificate-expiry",
      ruleTitle: expired
        ? `Expired certificate ${subject}`
        : `Certificate ${subject} expiring`,
      location,
      severity: expired ? "critical" : daysLeft <= 7 ? "high" : "medium",
      ingestedAt: now.toISOString(),
      tags: [
        expired ? "expired" : "expiring",
        `expires:${validTo.toISOString().slice(0, 10)}`,
      ],
      hints: location.resource
        ? { certificateEndpoint: location.resource }
        : {},
    },
    "certificate",
    `certificate:${cert.issuer}:${cert.serialNumber}`,
    {
      detector: "certificate-expiry",
      preview: `${subject} (serial ${cert.serialNumber})`,
    },
  );
}

function parseCert(block: string, file: string): X509Certificate {
  try {
    return new X509Certificate(block);
  } catch (error) {
    throw new IngestError(
      "MALFORMED_REPORT",
      `${file}: a CERTIFICATE block does not parse`,
      {
        cause: error,
        details: { file },
      },
    );
  }
}

function commonName(dn: string): string | undefined {
  return /(?:^|\n)CN=([^\n]+)/.exec(dn)?.[1];
}

async function listCertFiles(dir: string, depth = 0): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory() && depth < 4)
      out.push(...(await listCertFiles(full, depth + 1)));
    else if (
      entry.isFile() &&
      CERT_EXTENSIONS.has(extname(entry.name).toLowerCase())
    ) {
      out.push(full);
    }
  }
  return out.sort();
}
