import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

/**
 * Approval source. JSM projects carry approval objects; plain Jira projects model approval as
 * statuses an admin configures (reference/jira.md §3.2: never inferred from a status category).
 */
export const jiraApprovalSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("jsm") }).strict(),
  z
    .object({
      mode: z.literal("status"),
      approvedStatuses: z.array(z.string().min(1)).min(1),
      rejectedStatuses: z.array(z.string().min(1)).default([]),
    })
    .strict(),
]);

export const jiraAuthSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("basic"),
      email: z.string().min(1),
      apiToken: secretRefSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal("bearer"),
      token: secretRefSchema,
      /** Scoped tokens and OAuth go through the API gateway (reference/jira.md §6). */
      cloudId: z.string().min(1).optional(),
    })
    .strict(),
]);

export const jiraInstanceSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("jira"),
    baseUrl: z.url(),
    deployment: z.enum(["cloud", "datacenter"]),
    auth: jiraAuthSchema,
    project: z.string().min(1),
    issueType: z.string().min(1),
    approval: jiraApprovalSchema,
    /** Transition ids or target status names to follow when no done transition is direct. */
    closePath: z.array(z.string().min(1)).optional(),
    maxCloseHops: z.number().int().min(1).max(10).default(4),
    attachmentMaxBytes: z.number().int().positive().optional(),
    ratePerSecond: z.number().positive().default(5),
    /** Resolution name sent when the close transition's screen offers one. */
    resolution: z.string().min(1).default("Done"),
    /** Overlap subtracted from the polling cursor: Jira's `updated` has minute precision. */
    pollOverlapSeconds: z.number().int().min(0).default(120),
    /** How long a create lookup waits for the search index before giving up (BR-22). */
    lookupTimeoutMs: z.number().int().min(0).default(60_000),
  })
  .strict();

export type JiraInstanceConfig = z.infer<typeof jiraInstanceSchema>;
export type JiraInstanceInput = z.input<typeof jiraInstanceSchema>;
export type JiraApproval = z.infer<typeof jiraApprovalSchema>;
