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

// AWS Security Finding Format (reference §7c): `get-findings` wraps the array in `Findings`
// (DefectDojo's samples use `findings`); Prowler writes a bare array.
const findingSchema = z.object({
  Id: z.string(),
  ProductArn: z.string(),
  GeneratorId: z.string().optional(),
  AwsAccountId: z.string().optional(),
  Title: z.string().optional(),
  Types: z.array(z.string()).optional(),
  CreatedAt: z.string().optional(),
  FirstObservedAt: z.string().optional(),
  Severity: z.object({ Label: z.string().optional() }).optional(),
  Resources: z
    .array(
      z.object({
        Id: z.string(),
        Type: z.string().optional(),
        Details: z
          .object({
            AwsIamAccessKey: z
              .object({
                AccessKeyId: z.string().optional(),
                PrincipalName: z.string().optional(),
              })
              .optional(),
          })
          .loose()
          .optional(),
      }),
    )
    .default([]),
  Compliance: z.object({ Status: z.string().optional() }).optional(),
  Workflow: z.object({ Status: z.string().optional() }).optional(),
  RecordState: z.string().optional(),
  ProductFields: z.record(z.string(), z.unknown()).optional(),
});

type Asff = z.infer<typeof findingSchema>;

export const asff: FormatParser = {
  format: "asff",
  framing: {
    kind: "json",
    patterns: [[ANY_INDEX], ["Findings", ANY_INDEX], ["findings", ANY_INDEX]],
    roots: ["array", "object"],
    single: true,
  },
  createParser: (ctx) => (item) => {
    const f = parseItem(findingSchema, item, ctx);
    const provider = f.ProductFields?.ProviderName;
    const product = (
      typeof provider === "string" ? provider : "security-hub"
    ).toLowerCase();
    const resource = f.Resources[0]?.Id;
    return [
      keyedRecord(
        {
          source: product,
          rule: f.GeneratorId ?? f.Title ?? "asff-finding",
          ...(f.Title ? { ruleTitle: f.Title } : {}),
          location: { source: product, ...(resource ? { resource } : {}) },
          status: statusOf(f),
          severity: severityOf(f.Severity?.Label),
          detectedAt: f.FirstObservedAt ?? f.CreatedAt ?? "",
          ingestedAt: ctx.ingestedAt,
          tags: f.Types ?? [],
          hints: hintsOf(f),
        },
        "access",
        `asff:${f.ProductArn}:${f.Id}`,
      ),
    ];
  },
};

function statusOf(f: Asff): FindingStatus {
  const workflow = f.Workflow?.Status;
  if (workflow === "SUPPRESSED") return "suppressed";
  if (workflow === "RESOLVED" || f.RecordState === "ARCHIVED")
    return "resolved";
  return f.Compliance?.Status === "PASSED" ? "resolved" : "open";
}

const SEVERITIES: Record<string, Severity> = {
  CRITICAL: "critical",
  HIGH: "high",
  MEDIUM: "medium",
};

function severityOf(label: string | undefined): Severity {
  return SEVERITIES[label ?? ""] ?? "low";
}

function hintsOf(f: Asff): IdentityHints {
  const key = f.Resources.map((r) => r.Details?.AwsIamAccessKey).find(Boolean);
  const arn = f.Resources.map((r) => r.Id).find((id) =>
    id.startsWith("arn:aws:iam::"),
  );
  return {
    ...(f.AwsAccountId ? { awsAccountId: f.AwsAccountId } : {}),
    ...(key?.AccessKeyId ? { awsAccessKeyId: key.AccessKeyId } : {}),
    ...(arn ? { awsPrincipalArn: arn } : {}),
    ...(key?.PrincipalName
      ? { principal: key.PrincipalName }
      : arn
        ? { principal: arn }
        : {}),
  };
}
