import { z } from "zod";
import type { FindingStatus } from "../../domain/finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import { maskedRecord, secretRecord } from "../build-finding.js";
import type { Sighting } from "../build-finding.js";
import { displayPath } from "../source-region.js";
import type {
  FormatParser,
  IngestRecord,
  ParseContext,
  SourceRegion,
} from "../types.js";
import { parseItem } from "./parse-item.js";

const toolSchema = z.object({
  driver: z.object({
    name: z.string(),
    rules: z
      .array(
        z.object({
          id: z.string(),
          shortDescription: z.object({ text: z.string() }).optional(),
        }),
      )
      .optional(),
  }),
});

const regionSchema = z.object({
  startLine: z.number().int().positive(),
  startColumn: z.number().int().positive().optional(),
  endLine: z.number().int().positive().optional(),
  endColumn: z.number().int().positive().optional(),
  snippet: z.object({ text: z.string() }).optional(),
});

const resultSchema = z.object({
  ruleId: z.string(),
  locations: z
    .array(
      z.object({
        physicalLocation: z
          .object({
            artifactLocation: z.object({ uri: z.string() }).optional(),
            region: regionSchema.optional(),
          })
          .optional(),
      }),
    )
    .default([]),
  suppressions: z.array(z.object({ status: z.string().optional() })).optional(),
  baselineState: z.string().optional(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  properties: z.object({ tags: z.array(z.string()).optional() }).optional(),
});

type SarifResult = z.infer<typeof resultSchema>;

/**
 * SARIF 2.1.0 from secret scanners. gitleaks puts the raw secret in `region.snippet.text`
 * (reference §1); secretlint masks it in the message, so the value is read back from the file under
 * `sourceRoot` (reference §6). The message text is never copied: other tools may put values in it.
 */
export const sarif: FormatParser = {
  format: "sarif",
  framing: {
    kind: "json",
    patterns: [
      ["runs", ANY_INDEX, "tool"],
      ["runs", ANY_INDEX, "results", ANY_INDEX],
    ],
    roots: ["object"],
  },
  createParser: (ctx) => {
    let tool = "sarif";
    let titles = new Map<string, string>();
    return (item) => {
      if (item.pattern === 0) {
        const parsed = toolSchema.safeParse(item.value);
        tool = parsed.success ? parsed.data.driver.name.toLowerCase() : "sarif";
        titles = new Map(
          (parsed.success ? (parsed.data.driver.rules ?? []) : []).flatMap(
            (r) =>
              r.shortDescription
                ? [[r.id, r.shortDescription.text] as const]
                : [],
          ),
        );
        return [];
      }
      const result = parseItem(resultSchema, item, ctx);
      return fromResult(result, tool, titles.get(result.ruleId), ctx);
    };
  },
};

function fromResult(
  result: SarifResult,
  tool: string,
  ruleTitle: string | undefined,
  ctx: ParseContext,
): IngestRecord[] {
  const status = statusOf(result);
  return result.locations.map((loc) => {
    const uri = loc.physicalLocation?.artifactLocation?.uri ?? "";
    const region = loc.physicalLocation?.region;
    const file = displayPath(uri, ctx.sourceRoot);
    const sighting: Sighting = {
      source: tool,
      rule: result.ruleId,
      ...(ruleTitle && tool !== "secretlint" ? { ruleTitle } : {}),
      location: {
        source: tool,
        file,
        ...(region ? { lineReported: region.startLine } : {}),
        ...(region?.startColumn ? { column: region.startColumn } : {}),
        ...(result.partialFingerprints?.commitSha
          ? { commit: result.partialFingerprints.commitSha }
          : {}),
      },
      status,
      ingestedAt: ctx.ingestedAt,
      tags: result.properties?.tags ?? [],
    };
    const value = region ? valueOf(uri, region, ctx) : null;
    if (value !== null) return secretRecord(sighting, value);
    ctx.onMasked?.();
    return maskedRecord(sighting, regionKey(region));
  });
}

function valueOf(
  uri: string,
  region: z.infer<typeof regionSchema>,
  ctx: ParseContext,
): string | null {
  const snippet = region.snippet?.text;
  if (snippet && !/^\**$/.test(snippet)) return snippet;
  const { snippet: _snippet, ...where } = region;
  return ctx.readRegion(uri, where as SourceRegion);
}

function regionKey(region: z.infer<typeof regionSchema> | undefined): string {
  if (!region) return "";
  return [
    region.startLine,
    region.startColumn,
    region.endLine,
    region.endColumn,
  ].join(":");
}

function statusOf(result: SarifResult): FindingStatus {
  const accepted = (result.suppressions ?? []).some(
    (s) => s.status === undefined || s.status === "accepted",
  );
  if (accepted) return "suppressed";
  return result.baselineState === "absent" ? "resolved" : "open";
}
