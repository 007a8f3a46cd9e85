import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type { Finding, FindingLocation } from "../../domain/finding.js";
import { UnreadableRowError } from "../errors.js";

/**
 * Locations whose JSON is longer than this many characters (counted as a string: a length is
 * free, a byte count a pass over it) are stored apart, compressed; shorter ones stay in
 * `finding_json`, readable with the sqlite3 shell. A 1 GB report of 20,000 secrets seen in a
 * hundred places each is 300 MB of location JSON: SQLite wrote it twice (the WAL, then the
 * database file), about a fifth of the ingest. Brotli at quality 1 makes it a tenth, at about
 * 600 MB/s (deflate at level 1: the same size, half the speed).
 */
export const INLINE_LOCATIONS_CHARS = 4096;

/** What a finding is stored as: `finding_json`, and `locations_br` when they are kept apart. */
export interface FindingColumns {
  findingJson: string;
  locationsBr: Buffer | null;
}

/**
 * The columns of a finding given as its JSON without locations (an object, its members in any
 * order) and its locations' JSON (an array).
 */
export function columnsOfParts(
  shellJson: string,
  locationsJson: string,
): FindingColumns {
  if (locationsJson.length <= INLINE_LOCATIONS_CHARS) {
    const members = shellJson === "{}" ? "{" : `${shellJson.slice(0, -1)},`;
    return {
      findingJson: `${members}"locations":${locationsJson}}`,
      locationsBr: null,
    };
  }
  return { findingJson: shellJson, locationsBr: compressed(locationsJson) };
}

function compressed(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
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
    if (!Array.isArray(finding.locations))
      throw new UnreadableRowError(
        fingerprint,
        "finding_json",
        new Error("no locations in it, and none apart"),
      );
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
