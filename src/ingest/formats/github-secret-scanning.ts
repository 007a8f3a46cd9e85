import { z } from "zod";
import type { FindingStatus, Severity } from "../../domain/finding.js";
import { keyedRecord, secretRecord } from "../build-finding.js";
import type { Sighting } from "../build-finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import type { FormatParser, IngestRecord } from "../types.js";
import { parseItem } from "./parse-item.js";

// REST "List secret scanning alerts" item ([GHD] secret-scanning.json); `secret` is the raw value.
const alertSchema = z.object({
  number: z.number(),
  created_at: z.string().optional(),
  html_url: z.string().optional(),
  state: z.string().optional(),
  resolution: z.string().nullish(),
  secret_type: z.string(),
  secret_type_display_name: z.string().nullish(),
  secret: z.string().nullish(),
  validity: z.string().nullish(),
  publicly_leaked: z.boolean().nullish(),
  repository: z.object({ full_name: z.string() }).optional(),
  first_location_detected: z
    .object({ path: z.string().optional(), start_line: z.number().optional() })
    .nullish(),
});

// The `secret_scanning_alert` webhook ([OW]): the alert is partial, the repository beside it.
const webhookSchema = z.object({
  action: z.string(),
  alert: z.object({ number: z.number(), secret_type: z.string() }).loose(),
  repository: z.object({ full_name: z.string() }),
});

export type GithubAlert = z.infer<typeof alertSchema>;

/** One alert (REST item or webhook payload) as a record; the API poller reuses it. */
export function parseGithubAlert(
  json: unknown,
  ingestedAt = new Date().toISOString(),
): IngestRecord {
  const hook = webhookSchema.safeParse(json);
  if (hook.success) {
    const alert = alertSchema.parse({
      ...hook.data.alert,
      repository: hook.data.repository,
    });
    const state = hook.data.action === "resolved" ? "resolved" : "open";
    return fromAlert({ ...alert, state }, ingestedAt);
  }
  return fromAlert(alertSchema.parse(json), ingestedAt);
}

export const githubSecretScanning: FormatParser = {
  format: "github-secret-scanning",
  framing: {
    kind: "json",
    patterns: [[ANY_INDEX]],
    roots: ["array", "object"],
    single: true,
  },
  createParser: (ctx) => (item) => {
    const hook = webhookSchema.safeParse(item.value);
    if (hook.success) return [parseGithubAlert(item.value, ctx.ingestedAt)];
    return [fromAlert(parseItem(alertSchema, item, ctx), ctx.ingestedAt)];
  },
};

function fromAlert(alert: GithubAlert, ingestedAt: string): IngestRecord {
  const repo = alert.repository?.full_name;
  const first = alert.first_location_detected;
  const sighting: Sighting = {
    source: "github-secret-scanning",
    rule: alert.secret_type,
    ...(alert.secret_type_display_name
      ? { ruleTitle: alert.secret_type_display_name }
      : {}),
    location: {
      source: "github-secret-scanning",
      ...(first?.path ? { file: first.path } : {}),
      ...(first?.start_line ? { lineReported: first.start_line } : {}),
      ...(repo ? { repository: repo } : {}),
      ...(alert.html_url ? { url: alert.html_url } : {}),
    },
    status: statusOf(alert),
    severity: severityOf(alert),
    ...(alert.created_at ? { detectedAt: alert.created_at } : {}),
    ingestedAt,
    tags: alert.validity ? [`validity:${alert.validity}`] : [],
    hints: repo ? { githubRepository: repo } : {},
  };
  if (alert.secret) return secretRecord(sighting, alert.secret);
  // `hide_secret=true` or a webhook: the alert itself is the identity.
  return keyedRecord(
    sighting,
    "secret",
    `github:${repo ?? ""}#${alert.number}`,
  );
}

// Resolutions that say "not a live leak we act on" are suppressions; `revoked` is a resolution.
function statusOf(alert: GithubAlert): FindingStatus {
  if (alert.state !== "resolved") return "open";
  return alert.resolution === "revoked" || alert.resolution == null
    ? "resolved"
    : "suppressed";
}

function severityOf(alert: GithubAlert): Severity {
  if (alert.publicly_leaked) return "critical";
  return alert.validity === "inactive" ? "medium" : "high";
}
