import { z } from "zod";
import type { FindingStatus, Severity } from "../../domain/finding.js";
import { keyedRecord } from "../build-finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import type { FormatParser, IngestRecord } from "../types.js";
import { parseItem } from "./parse-item.js";

const occurrenceSchema = z.object({
  incident_id: z.number(),
  filepath: z.string().optional(),
  sha: z.string().optional(),
  url: z.string().optional(),
  date: z.string().optional(),
  matches: z
    .array(z.object({ pre_line_start: z.number().nullish() }))
    .optional(),
  source: z.object({ full_name: z.string().optional() }).optional(),
});

// Incidents API ([GGM] cassettes): no raw value, only GitGuardian's own hashes. One incident per
// secret (reference §4), so the incident id is the identity and occurrences are its locations.
const incidentSchema = z.object({
  id: z.number(),
  detector: z.object({ name: z.string(), display_name: z.string().optional() }),
  date: z.string().optional(),
  status: z.string(),
  severity: z.string().optional(),
  validity: z.string().optional(),
  gitguardian_url: z.string().optional(),
  tags: z.array(z.string()).default([]),
  occurrences: z.array(occurrenceSchema).nullish(),
});

export const gitguardianApi: FormatParser = {
  format: "gitguardian-api",
  framing: {
    kind: "json",
    patterns: [[ANY_INDEX]],
    roots: ["array", "object"],
    single: true,
  },
  createParser: (ctx) => (item) => {
    const value = item.value as Record<string, unknown>;
    if ("incident_id" in value) {
      const o = parseItem(occurrenceSchema, item, ctx);
      return [
        record(
          {
            id: o.incident_id,
            detector: { name: "gitguardian" },
            status: "TRIGGERED",
            tags: [],
            occurrences: [o],
          },
          ctx.ingestedAt,
        ),
      ];
    }
    return [record(parseItem(incidentSchema, item, ctx), ctx.ingestedAt)];
  },
};

function record(
  incident: z.infer<typeof incidentSchema>,
  ingestedAt: string,
): IngestRecord {
  const occurrences = incident.occurrences ?? [];
  const first = occurrences[0];
  const base = keyedRecord(
    {
      source: "gitguardian-api",
      rule: incident.detector.name,
      ...(incident.detector.display_name
        ? { ruleTitle: incident.detector.display_name }
        : {}),
      location: first
        ? locationOf(first)
        : {
            source: "gitguardian-api",
            ...(incident.gitguardian_url
              ? { url: incident.gitguardian_url }
              : {}),
          },
      status: statusOf(incident.status),
      severity: severityOf(incident.severity),
      ...(incident.date ? { detectedAt: incident.date } : {}),
      ingestedAt,
      tags: [
        ...incident.tags,
        ...(incident.validity ? [`validity:${incident.validity}`] : []),
      ],
    },
    "secret",
    `gitguardian-incident:${incident.id}`,
    { preview: "********" },
  );
  base.finding.locations.push(...occurrences.slice(1).map(locationOf));
  return base;
}

function locationOf(o: z.infer<typeof occurrenceSchema>) {
  const line = o.matches?.find((m) => m.pre_line_start)?.pre_line_start;
  return {
    source: "gitguardian-api",
    ...(o.filepath ? { file: o.filepath } : {}),
    ...(line ? { lineReported: line } : {}),
    ...(o.sha ? { commit: o.sha } : {}),
    ...(o.source?.full_name ? { repository: o.source.full_name } : {}),
    ...(o.url ? { url: o.url } : {}),
  };
}

function statusOf(status: string): FindingStatus {
  if (status === "RESOLVED") return "resolved";
  return status === "IGNORED" ? "suppressed" : "open";
}

function severityOf(severity: string | undefined): Severity {
  if (severity === "critical" || severity === "high" || severity === "low")
    return severity;
  return severity === "medium" ? "medium" : "high";
}
