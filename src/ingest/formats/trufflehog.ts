import { z } from "zod";
import type { FindingLocation, IdentityHints } from "../../domain/finding.js";
import { maskedRecord, secretRecord } from "../build-finding.js";
import type { Sighting } from "../build-finding.js";
import type { FormatParser } from "../types.js";
import { parseItem } from "./parse-item.js";

const metaSchema = z.record(z.string(), z.unknown());

// pkg/output/json.go (reference §2). Only these fields are read; SecretParts is dropped.
const lineSchema = z.object({
  SourceMetadata: z
    .object({ Data: z.record(z.string(), metaSchema) })
    .nullish(),
  SourceName: z.string().optional(),
  DetectorName: z.string(),
  DecoderName: z.string().optional(),
  Verified: z.boolean().default(false),
  Raw: z.string(),
  RawV2: z.string().nullish(),
  ExtraData: z.record(z.string(), z.unknown()).nullish(),
});

type Line = z.infer<typeof lineSchema>;
/** What the hot path reads: a parsed line before zod's default for `Verified`. */
type LineIn = Omit<Line, "Verified"> & { Verified?: boolean };

export const trufflehog: FormatParser = {
  format: "trufflehog",
  framing: { kind: "lines" },
  createParser: (ctx) => (item) => {
    const line: LineIn =
      checkedLine(item.value) ?? parseItem(lineSchema, item, ctx);
    const verified = line.Verified === true;
    const extra = line.ExtraData ?? {};
    const account = str(extra.account);
    const arn = str(extra.arn);
    const hints: IdentityHints = {};
    if (account) hints.awsAccountId = account;
    if (arn) {
      hints.awsPrincipalArn = arn;
      hints.principal = arn;
    }
    const sighting: Sighting = {
      source: "trufflehog",
      rule: line.DetectorName,
      location: locationOf(line),
      severity: verified ? "critical" : "high",
      ingestedAt: ctx.ingestedAt,
      tags: verified ? ["verified"] : [],
      hints,
    };
    const raw = decodeRaw(line.Raw);
    if (raw === "")
      return [
        maskedRecord(sighting, String(sighting.location.lineReported ?? "")),
      ];
    return [secretRecord(sighting, raw)];
  },
};

/**
 * Before trufflehog#825 (2022-09-27) `Raw` was base64 (reference §2, DefectDojo's samples still
 * are). A value that round-trips through base64 and decodes to printable text is taken as encoded.
 */
export function decodeRaw(raw: string): string {
  if (
    raw.length < 8 ||
    raw.length % 4 !== 0 ||
    !/^[A-Za-z0-9+/]+={0,2}$/.test(raw)
  )
    return raw;
  // A report repeats each value in every commit it reached, and an AWS key id or a token looks
  // like base64: the round trip is made once per value.
  let decoded = decodedRaw.get(raw);
  if (decoded === undefined) {
    decoded = decodeBase64Raw(raw);
    if (decodedRaw.size >= 10_000) decodedRaw.clear();
    decodedRaw.set(raw, decoded);
  }
  return decoded;
}

const decodedRaw = new Map<string, string>();

function decodeBase64Raw(raw: string): string {
  const decoded = Buffer.from(raw, "base64");
  if (decoded.toString("base64") !== raw) return raw;
  const text = decoded.toString("utf8");
  return /^[\x20-\x7e\t\r\n]+$/.test(text) ? text : raw;
}

/**
 * The common case without zod (which copied every line and showed in the ingest profile): typeof
 * checks accepting a subset of what `lineSchema` accepts; anything else goes through the schema.
 */
function checkedLine(value: unknown): LineIn | null {
  if (!isRecord(value)) return null;
  const v = value;
  const meta = v.SourceMetadata;
  const ok =
    typeof v.DetectorName === "string" &&
    typeof v.Raw === "string" &&
    (v.SourceName === undefined || typeof v.SourceName === "string") &&
    (v.DecoderName === undefined || typeof v.DecoderName === "string") &&
    (v.Verified === undefined || typeof v.Verified === "boolean") &&
    (v.RawV2 == null || typeof v.RawV2 === "string") &&
    (v.ExtraData == null || isRecord(v.ExtraData)) &&
    (meta == null || (isRecord(meta) && isRecordOfRecords(meta.Data)));
  return ok ? (v as LineIn) : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRecordOfRecords(value: unknown): boolean {
  if (!isRecord(value)) return false;
  for (const key in value) if (!isRecord(value[key])) return false;
  return true;
}

function locationOf(line: LineIn): FindingLocation {
  let kind = "";
  let data: Record<string, unknown> = {};
  const all = line.SourceMetadata?.Data ?? {};
  for (const key in all) {
    kind = key;
    data = all[key] ?? {};
    break;
  }
  const file = str(data.file) ?? str(data.path) ?? str(data.link);
  const lineNo =
    typeof data.line === "number" && data.line > 0 ? data.line : undefined;
  const commit = str(data.commit);
  const repository = str(data.repository);
  const link = str(data.link);
  // Set one by one (spreads of conditional objects showed in the ingest profile), keys in order.
  const location: FindingLocation = { source: "trufflehog" };
  if (file) location.file = file;
  if (lineNo) location.lineReported = lineNo;
  if (commit) location.commit = commit;
  if (repository) location.repository = repository;
  if (link) location.url = link;
  if (!file && kind) {
    location.resource = `${kind}:${str(data.bucket) ?? str(data.image) ?? ""}`;
  }
  return location;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
