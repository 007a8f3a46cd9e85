import { z } from "zod";

/** Jira answers ids as strings in one place and numbers in another (search attachments). */
const id = z.union([z.string(), z.number()]).transform(String);

export const createdIssueSchema = z.object({ id, key: z.string() });

export const myselfSchema = z.object({
  accountId: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
});

export const statusSchema = z.object({
  id,
  name: z.string(),
  statusCategory: z.object({ key: z.string() }).optional(),
});

const userSchema = z.object({
  accountId: z.string().optional(),
  key: z.string().optional(),
  name: z.string().optional(),
  displayName: z.string().optional(),
});

export const attachmentSchema = z.object({
  id,
  filename: z.string(),
  size: z.number(),
  mimeType: z.string().optional(),
  author: userSchema.optional(),
  created: z.string().optional(),
});

const commentSchema = z.object({
  author: userSchema.optional(),
  updateAuthor: userSchema.optional(),
  created: z.string(),
  updated: z.string().optional(),
});

export const historySchema = z.object({
  id,
  author: userSchema.optional(),
  created: z.string(),
  items: z.array(
    z.object({ field: z.string(), to: z.string().nullable().optional() }),
  ),
});

export const transitionSchema = z.object({
  id,
  name: z.string(),
  to: statusSchema.optional(),
  fields: z
    .record(
      z.string(),
      z.object({
        allowedValues: z.array(z.object({ name: z.string() })).optional(),
      }),
    )
    .optional(),
});

export type JiraTransition = z.infer<typeof transitionSchema>;

export const issueSchema = z.object({
  id,
  key: z.string(),
  fields: z
    .object({
      status: statusSchema.nullable().optional(),
      resolution: z.object({ name: z.string() }).nullable().optional(),
      attachment: z.array(attachmentSchema).optional(),
      reporter: userSchema.nullable().optional(),
      labels: z.array(z.string()).optional(),
      created: z.string().optional(),
      updated: z.string().optional(),
      creator: userSchema.nullable().optional(),
      comment: z.object({ comments: z.array(commentSchema) }).optional(),
    })
    .default({}),
  properties: z.record(z.string(), z.unknown()).optional(),
  changelog: z.object({ histories: z.array(historySchema) }).optional(),
  /** With `expand=transitions`: what the caller may do from the current status. */
  transitions: z.array(transitionSchema).optional(),
});

export type JiraIssue = z.infer<typeof issueSchema>;

export const searchSchema = z.object({
  issues: z.array(issueSchema),
  nextPageToken: z.string().optional(),
  isLast: z.boolean().optional(),
  // Data Center's /search pages by offset.
  startAt: z.number().optional(),
  total: z.number().optional(),
});

export const transitionsSchema = z.object({
  transitions: z.array(transitionSchema),
});

export const linkPropertySchema = z.object({
  finding: z.string(),
  planHash: z.string(),
});

const jsmDate = z.object({
  iso8601: z.string().optional(),
  epochMillis: z.number().optional(),
});

export const approvalSchema = z.object({
  id,
  finalDecision: z.string(),
  approvers: z
    .array(
      z.object({
        approver: userSchema,
        approverDecision: z.string(),
      }),
    )
    .default([]),
  createdDate: jsmDate.optional(),
  completedDate: jsmDate.optional(),
});

export type JsmApproval = z.infer<typeof approvalSchema>;

export const approvalsPageSchema = z.object({
  values: z.array(approvalSchema),
  isLastPage: z.boolean().optional(),
});

export const attachmentMetaSchema = z.object({
  enabled: z.boolean(),
  uploadLimit: z.number(),
});

export const uploadResponseSchema = z.array(attachmentSchema);
