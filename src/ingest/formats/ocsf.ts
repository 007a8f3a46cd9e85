import { z } from "zod";
import type {
  FindingStatus,
  IdentityHints,
  Severity,
} from "../../domain/finding.js";
import { keyedRecord } from "../build-finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import type { FormatParser } from "../types.js";
import { parseItem } from "./parse-item.js";

const resourceSchema = z.object({
  uid: z.string().optional(),
  name: z.string().optional(),
});

// OCSF Detection Finding (2004) and IAM Analysis Finding (2008) [OCSF]; Prowler's json-ocsf [PR].
const findingSchema = z.object({
  class_uid: z.number().optional(),
  finding_info: z.object({
    uid: z.string(),
    title: z.string().optional(),
    types: z.array(z.string()).optional(),
    created_time_dt: z.string().optional(),
  }),
  metadata: z
    .object({
      event_code: z.string().optional(),
      product: z
        .object({ name: z.string().optional(), uid: z.string().optional() })
        .optional(),
    })
    .optional(),
  severity_id: z.number().optional(),
  status_id: z.number().optional(),
  status_code: z.string().optional(),
  time_dt: z.string().optional(),
  time: z.number().optional(),
  resources: z.array(resourceSchema).optional(),
  cloud: z
    .object({ account: z.object({ uid: z.string().optional() }).optional() })
    .optional(),
  user: z
    .object({ name: z.string().optional(), uid: z.string().optional() })
    .optional(),
  identity_activity_metrics: z
    .object({
      programmatic_credentials: z
        .array(z.object({ uid: z.string() }))
        .optional(),
    })
    .optional(),
});

type OcsfFinding = z.infer<typeof findingSchema>;

export const ocsf: FormatParser = {
  format: "ocsf",
  framing: {
    kind: "json",
    patterns: [[ANY_INDEX]],
    roots: ["array", "object"],
    single: true,
  },
  createParser: (ctx) => (item) => {
    const f = parseItem(findingSchema, item, ctx);
    const product =
      f.metadata?.product?.uid ?? f.metadata?.product?.name ?? "ocsf";
    const resource = f.resources?.[0]?.uid ?? f.resources?.[0]?.name;
    return [
      keyedRecord(
        {
          source: product.toLowerCase(),
          rule:
            f.metadata?.event_code ?? f.finding_info.title ?? "ocsf-finding",
          ...(f.finding_info.title ? { ruleTitle: f.finding_info.title } : {}),
          location: {
            source: product.toLowerCase(),
            ...(resource ? { resource } : {}),
          },
          status: statusOf(f),
          severity: severityOf(f.severity_id),
          detectedAt:
            f.finding_info.created_time_dt ?? f.time_dt ?? timeOf(f.time),
          ingestedAt: ctx.ingestedAt,
          tags: f.finding_info.types ?? [],
          hints: hintsOf(f),
        },
        "access",
        `ocsf:${product}:${f.finding_info.uid}`,
      ),
    ];
  },
};

// OCSF `timestamp_t` counts milliseconds since the epoch; "" lets the ingest time stand in.
function timeOf(ms: number | undefined): string {
  if (ms === undefined) return "";
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "" : date.toISOString();
}

// Prowler's PASS means the check holds: not an open finding. status_id per the OCSF dictionary:
// 4 Resolved, 5 Archived, 6 Deleted are not open.
function statusOf(f: OcsfFinding): FindingStatus {
  const closed = f.status_id !== undefined && [4, 5, 6].includes(f.status_id);
  if (f.status_code === "PASS" || closed) return "resolved";
  if (f.status_id === 3 || f.status_code === "MANUAL") return "suppressed";
  return "open";
}

function severityOf(id: number | undefined): Severity {
  if (id === undefined || id <= 2) return "low";
  if (id === 3) return "medium";
  return id === 4 ? "high" : id === 99 ? "medium" : "critical";
}

function hintsOf(f: OcsfFinding): IdentityHints {
  const account = f.cloud?.account?.uid;
  const arn = f.resources
    ?.map((r) => r.uid)
    .find((uid) => uid?.startsWith("arn:aws:iam::"));
  const keyId = f.identity_activity_metrics?.programmatic_credentials?.[0]?.uid;
  const principal = f.user?.name ?? f.user?.uid ?? arn;
  return {
    ...(account && /^\d{12}$/.test(account) ? { awsAccountId: account } : {}),
    ...(arn ? { awsPrincipalArn: arn } : {}),
    ...(keyId ? { awsAccessKeyId: keyId } : {}),
    ...(principal ? { principal } : {}),
  };
}
