import { z } from "zod";
import type { FindingStatus } from "../../domain/finding.js";
import { keyedRecord } from "../build-finding.js";
import { ANY_INDEX } from "../json-splitter.js";
import type { FormatParser } from "../types.js";
import { parseItem } from "./parse-item.js";

// IAM Access Analyzer unused access, ListFindingsV2 / GetFindingV2 (reference §7b). No public
// sample exists; the shape follows API_FindingSummaryV2 and API_FindingDetails.
const findingSchema = z.object({
  id: z.string().optional(),
  findingType: z.string(),
  resource: z.string(),
  resourceType: z.string().optional(),
  resourceOwnerAccount: z.string().optional(),
  status: z.string().optional(),
  createdAt: z.string().optional(),
  findingDetails: z
    .array(
      z.object({
        unusedIamUserAccessKeyDetails: z
          .object({ accessKeyId: z.string() })
          .optional(),
        unusedPermissionDetails: z
          .object({ serviceNamespace: z.string() })
          .optional(),
      }),
    )
    .default([]),
});

export const accessAnalyzer: FormatParser = {
  format: "access-analyzer",
  framing: {
    kind: "json",
    patterns: [[ANY_INDEX], ["findings", ANY_INDEX]],
    roots: ["array", "object"],
    single: true,
  },
  createParser: (ctx) => (item) => {
    const f = parseItem(findingSchema, item, ctx);
    const keyId = f.findingDetails.find((d) => d.unusedIamUserAccessKeyDetails)
      ?.unusedIamUserAccessKeyDetails?.accessKeyId;
    const services = f.findingDetails
      .flatMap((d) =>
        d.unusedPermissionDetails
          ? [d.unusedPermissionDetails.serviceNamespace]
          : [],
      )
      .sort();
    // The API id is per analyzer; resource + type + key (or services) is the same across them.
    const key = `access-analyzer:${f.resource}:${f.findingType}:${keyId ?? services.join(",")}`;
    return [
      keyedRecord(
        {
          source: "access-analyzer",
          rule: f.findingType,
          location: { source: "access-analyzer", resource: f.resource },
          status: statusOf(f.status),
          severity:
            f.findingType === "UnusedIAMUserAccessKey" ? "high" : "medium",
          ...(f.createdAt ? { detectedAt: f.createdAt } : {}),
          ingestedAt: ctx.ingestedAt,
          tags: [f.findingType],
          hints: {
            ...(f.resourceOwnerAccount
              ? { awsAccountId: f.resourceOwnerAccount }
              : {}),
            ...(keyId ? { awsAccessKeyId: keyId } : {}),
            awsPrincipalArn: f.resource,
            principal: f.resource,
          },
        },
        "access",
        key,
        {
          detector: keyId
            ? "aws-unused-access-key"
            : `aws-${kebab(f.findingType)}`,
        },
      ),
    ];
  },
};

function statusOf(status: string | undefined): FindingStatus {
  if (status === "RESOLVED") return "resolved";
  return status === "ARCHIVED" ? "suppressed" : "open";
}

function kebab(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .replace(/IAM/g, "iam-")
    .toLowerCase()
    .replace(/-+/g, "-")
    .replace(/-$/, "");
}
