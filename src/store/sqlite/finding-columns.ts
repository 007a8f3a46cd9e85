import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type { Finding, FindingLocation } from "../../domain/finding.js";
import { UnreadableRowError } from "../errors.js";

/**
 * Locations whose JSON is longer than this many UTF-8 bytes are stored apart, compressed; shorter
 * ones stay in `finding_json`, readable with the sqlite3 shell. A 1 GB report of 20,000 secrets
 * seen in a hundred places each is 300 MB of location JSON: SQLite wrote it twice (the WAL, then
 * the database file), about a fifth of the ingest. Brotli at quality 1 makes it a tenth, at about
 * 600 MB/s (deflate at level 1: the same size, half the speed).
 */
export const INLINE_LOCATIONS_BYTES = 4096;

/** What a finding is stored as: `finding_json`, and `locations_br` when they are kept apart. */
export interface FindingColumns {
  findingJson: string;
  locationsBr: Buffer | null;
}

/**
 * The columns of a finding given as its JSON without locations (an object, its members in any
 * order) and its locations' JSON (an array), as text or as its UTF-8 bytes (a staged merge's,
 * compressed without being decoded).
 */
export function columnsOfParts(
  shellJson: string,
  locationsJson: string | Buffer,
): FindingColumns {
  if (!fitsInline(locationsJson)) {
    const bytes =
      typeof locationsJson === "string"
        ? Buffer.from(locationsJson, "utf8")
        : locationsJson;
    return { findingJson: shellJson, locationsBr: compressed(bytes) };
  }
  const text =
    typeof locationsJson === "string"
      ? locationsJson
      : locationsJson.toString("utf8");
  const members = shellJson === "{}" ? "{" : `${shellJson.slice(0, -1)},`;
  return { findingJson: `${members}"locations":${text}}`, locationsBr: null };
}

/** Text is counted in bytes only where its length leaves a doubt (a character is 1 to 3). */
function fitsInline(json: string | Buffer): boolean {
  const limit = INLINE_LOCATIONS_BYTES;
  if (typeof json !== "string") return json.length <= limit;
  if (json.length > limit) return false;
  return json.length * 3 <= limit || Buffer.byteLength(json, "utf8") <= limit;
}

function compressed(bytes: Buffer): Buffer {
  return brotliCompressSync(bytes, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

export function findingColumns(finding: Finding): FindingColumns {
  const { locations, ...shell } = finding;
  return columnsOfParts(JSON.stringify(shell), JSON.stringify(locations));
}

/** The finding stored as these columns; `fingerprint` names it when they do not read back. */
export function findingOfColumns(
  fingerprint: string,
  findingJson: string,
  locationsBr: Buffer | null,
): Finding {
  const finding = readColumn(fingerprint, "finding_json", () =>
    objectOf(JSON.parse(findingJson)),
  );
  if (locationsBr === null) {
    readColumn(fingerprint, "finding_json", () => arrayOf(finding.locations));
    return finding;
  }
  finding.locations = readColumn(fingerprint, "locations_br", () =>
    arrayOf(JSON.parse(brotliDecompressSync(locationsBr).toString("utf8"))),
  );
  return finding;
}

/** Closeloop's own writes, so their shape is only checked as far as a damaged row would break. */
function objectOf(value: unknown): Finding {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new Error("not a JSON object");
  return value as Finding;
}

function arrayOf(value: unknown): FindingLocation[] {
  if (
    !Array.isArray(value) ||
    !value.every((l) => typeof l === "object" && l !== null)
  )
    throw new Error("not an array of locations");
  return value as FindingLocation[];
}

function readColumn<T>(fingerprint: string, column: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new UnreadableRowError(fingerprint, column, error);
  }
}
