import { z } from "zod";
import type { FindingLocation } from "../../domain/finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import { isRedacted } from "../fingerprint.js";
import { maskedRecord, secretRecord } from "../build-finding.js";
import type { Sighting } from "../build-finding.js";
import type { FormatParser, IngestRecord, ParseContext } from "../types.js";
import { parseItem } from "./parse-item.js";

// gitleaks v8 report/finding.go; unknown fields (Fragment, Line, Match…) are dropped on purpose.
const v8Schema = z.object({
  RuleID: z.string(),
  Description: z.string().optional(),
  StartLine: z.number(),
  EndLine: z.number().optional(),
  StartColumn: z.number().optional(),
  EndColumn: z.number().optional(),
  Secret: z.string(),
  File: z.string(),
  SymlinkFile: z.string().optional(),
  Commit: z.string().optional(),
  Link: z.string().optional(),
  Date: z.string().optional(),
  Tags: z.array(z.string()).nullish(),
});

// gitleaks v7 (BR-02): lower-case keys, `tags` a comma string, `offender` the secret.
const v7Schema = z.object({
  rule: z.string(),
  offender: z.string(),
  lineNumber: z.number(),
  file: z.string(),
  commit: z.string().optional(),
  repo: z.string().optional(),
  repoURL: z.string().optional(),
  leakURL: z.string().optional(),
  date: z.string().optional(),
  tags: z.string().optional(),
});

export type GitleaksV8 = z.infer<typeof v8Schema>;

export const gitleaksJson: FormatParser = {
  format: "gitleaks-json",
  framing: { kind: "json", patterns: [[ANY_INDEX]], roots: ["array"] },
  createParser: (ctx) => (item) => {
    const v8 = checkedV8(item.value);
    if (v8) return [fromGitleaks(v8, ctx)];
    const isV7 =
      isObject(item.value) &&
      "offender" in item.value &&
      !("Secret" in item.value);
    if (isV7) return [fromV7(parseItem(v7Schema, item, ctx), ctx)];
    return [fromGitleaks(parseItem(v8Schema, item, ctx), ctx)];
  },
};

// Fields set one by one, not spread from conditional objects: the spreads made a copy each and
// showed in the ingest profile. The keys keep the order they had.
export function fromGitleaks(g: GitleaksV8, ctx: ParseContext): IngestRecord {
  const location: FindingLocation = {
    source: "gitleaks",
    file: g.SymlinkFile || g.File,
    lineReported: g.StartLine,
  };
  if (g.StartColumn !== undefined) location.column = g.StartColumn;
  if (g.Commit) location.commit = g.Commit;
  if (g.Link) location.url = g.Link;
  const sighting: Sighting = {
    source: "gitleaks",
    rule: g.RuleID,
    location,
    ingestedAt: ctx.ingestedAt,
    tags: g.Tags ?? [],
  };
  if (g.Description) sighting.ruleTitle = g.Description;
  if (g.Date) sighting.detectedAt = g.Date;
  if (isRedacted(g.Secret)) {
    return maskedRecord(
      sighting,
      `${g.Commit ?? ""}:${g.StartLine}:${g.StartColumn ?? ""}`,
    );
  }
  return secretRecord(sighting, g.Secret);
}

function fromV7(g: z.infer<typeof v7Schema>, ctx: ParseContext): IngestRecord {
  return fromGitleaks(
    {
      RuleID: g.rule,
      Description: g.rule,
      StartLine: g.lineNumber,
      Secret: g.offender,
      File: g.file,
      ...(g.commit ? { Commit: g.commit } : {}),
      ...(g.leakURL ? { Link: g.leakURL } : {}),
      ...(g.date ? { Date: g.date } : {}),
      Tags: (g.tags ?? "")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    },
    ctx,
  );
}

/**
 * The common case without zod: plain typeof checks of the fields `fromGitleaks` reads (zod built a
 * copy of each item and was a large part of the ingest profile). They accept a subset of what
 * `v8Schema` accepts; anything else goes through the schema, which names the bad fields.
 */
function checkedV8(value: unknown): GitleaksV8 | null {
  if (!isObject(value)) return null;
  const v = value;
  const ok =
    typeof v.RuleID === "string" &&
    typeof v.StartLine === "number" &&
    typeof v.Secret === "string" &&
    typeof v.File === "string" &&
    optional(v.Description, "string") &&
    optional(v.EndLine, "number") &&
    optional(v.StartColumn, "number") &&
    optional(v.EndColumn, "number") &&
    optional(v.SymlinkFile, "string") &&
    optional(v.Commit, "string") &&
    optional(v.Link, "string") &&
    optional(v.Date, "string") &&
    (v.Tags === undefined || v.Tags === null || isStrings(v.Tags));
  return ok ? (v as GitleaksV8) : null;
}

function optional(value: unknown, type: "string" | "number"): boolean {
  return value === undefined || typeof value === type;
}

function isStrings(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
