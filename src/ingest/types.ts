import type { Finding } from "../domain/finding.js";
import type { SecretValue } from "../domain/secret.js";
import type { PathPattern, PathStep } from "./json-splitter.js";

export type FormatName =
  | "gitleaks-json"
  | "gitleaks-csv"
  | "sarif"
  | "trufflehog"
  | "github-secret-scanning"
  | "ggshield"
  | "gitguardian-api"
  | "detect-secrets"
  | "ocsf"
  | "asff"
  | "access-analyzer"
  | "certificate";

/** A finding and, where the source held it, the raw value (for custody and probes only). */
export interface IngestRecord {
  finding: Finding;
  secret: SecretValue | null;
  /** Shared by every record of one value and rule: see MergeSlot. */
  slot?: MergeSlot;
}

/**
 * Where a merge notes which of its findings a fingerprint is (see collect.ts): a repeat of a
 * value reads it here instead of looking its fingerprint up again (in a report of 2,000,000
 * sightings that lookup, a hash probe of a Map of 20,000, took half a second). Valid only for
 * the merge generation it names.
 */
export interface MergeSlot {
  generation: number;
  index: number;
}

export interface ReadOptions {
  format?: FormatName;
  /** The directory the scanned paths are relative to; lets masked SARIF results be recovered. */
  sourceRoot?: string;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Called once every record of the file has been read, before the last merged batches are handed
   * on (streamFindings): the last point at which the read's garbage can go before the commit.
   */
  onRead?: () => void;
  /**
   * Called each time a batch of findings has been handed on and taken (streamFindings), before
   * the read goes on: the findings it held are garbage from then on.
   */
  onFindingsHandedOn?: () => void;
  /** Called for each result whose value was masked and could not be read back. */
  onMasked?: () => void;
  /** The scan finished cleanly, so a missing report means "nothing found" (BR-01). */
  scanCompleted?: boolean;
  /** Certificates expiring within this many days are findings (default 30). */
  certificateHorizonDays?: number;
  /** The ingest time (for tests); defaults to now. */
  now?: Date;
}

export interface IngestResult {
  status: "ok" | "ok_empty";
  format: FormatName;
  records: IngestRecord[];
  stats: { items: number; bytes: number };
}

/** What a format's item parser may use beside the item itself. */
export interface ParseContext {
  file: string;
  sourceRoot: string | undefined;
  ingestedAt: string;
  /** The text of a region of a scanned file, or null when it cannot be read. */
  readRegion: (uri: string, region: SourceRegion) => string | null;
  /** A result was masked and its value not read back, so it is keyed by location. */
  onMasked?: () => void;
}

export interface SourceRegion {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}

export interface RawItem {
  /** Which of the parser's patterns matched (JSON), 0 otherwise. */
  pattern: number;
  path: PathStep[];
  value: unknown;
  /** 0-based position of the item among the items of the report. */
  index: number;
}

/** Turns a report's items into records; may keep state across items (e.g. SARIF's run tool). */
export type ItemParser = (item: RawItem) => IngestRecord[];

export interface FormatParser {
  format: FormatName;
  /** How the file is split into items. */
  framing:
    | {
        kind: "json";
        patterns: PathPattern[];
        roots: ("array" | "object")[];
        /** A root object without the patterns' envelope key is itself the one item. */
        single?: boolean;
      }
    | { kind: "lines" }
    | { kind: "csv" };
  createParser(ctx: ParseContext): ItemParser;
}
