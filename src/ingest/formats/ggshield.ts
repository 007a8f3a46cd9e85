import { z } from "zod";
import { keyedRecord } from "../build-finding.js";
import type { FormatParser, IngestRecord, ParseContext } from "../types.js";
import { parseItem } from "./parse-item.js";

const entitySchema = z.object({
  filename: z.string(),
  incidents: z.array(
    z.object({
      type: z.string(),
      validity: z.string().optional(),
      ignore_sha: z.string(),
      occurrences: z
        .array(z.object({ line_start: z.number().nullish() }))
        .default([]),
    }),
  ),
});

const scanSchema = z.object({
  id: z.string().optional(),
  entities_with_incidents: z.array(entitySchema).default([]),
  extra_info: z.object({ date: z.string().optional() }).optional(),
});

// ggshield's JSON output (reference §3): matches are censored; `ignore_sha` hashes the secret, so
// it is the identity. A commit-range scan nests `scans[]`, a path scan has the entities at the top.
const reportSchema = scanSchema.extend({
  scans: z.array(scanSchema).optional(),
});

export const ggshield: FormatParser = {
  format: "ggshield",
  framing: { kind: "json", patterns: [[]], roots: ["object"] },
  createParser: (ctx) => (item) => {
    const report = parseItem(reportSchema, item, ctx);
    const scans = report.scans ?? [report];
    return scans.flatMap((scan) => fromScan(scan, ctx));
  },
};

function fromScan(
  scan: z.infer<typeof scanSchema>,
  ctx: ParseContext,
): IngestRecord[] {
  return scan.entities_with_incidents.flatMap((entity) =>
    entity.incidents.map((incident) => {
      const line = incident.occurrences.find((o) => o.line_start)?.line_start;
      return keyedRecord(
        {
          source: "ggshield",
          rule: incident.type,
          ruleTitle: incident.type,
          location: {
            source: "ggshield",
            file: entity.filename,
            ...(line ? { lineReported: line } : {}),
            ...(scan.id && scan.id.length >= 7 ? { commit: scan.id } : {}),
          },
          ...(scan.extra_info?.date
            ? { detectedAt: scan.extra_info.date }
            : {}),
          ingestedAt: ctx.ingestedAt,
          severity: incident.validity === "valid" ? "critical" : "high",
          tags: incident.validity ? [`validity:${incident.validity}`] : [],
        },
        "secret",
        `ggshield:${incident.ignore_sha}`,
        { preview: "********" },
      );
    }),
  );
}
