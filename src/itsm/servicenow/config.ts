import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

const basicAuthSchema = z
  .object({
    type: z.literal("basic"),
    user: z.string().min(1),
    password: secretRefSchema,
  })
  .strict();

const oauthSchema = z
  .object({
    type: z.literal("oauth"),
    /** Default: `<baseUrl>/oauth_token.do` (reference §6). */
    tokenUrl: z.url().optional(),
    clientId: z.string().min(1),
    clientSecret: secretRefSchema,
    /** With user and password: the password grant; without: client credentials. */
    user: z.string().min(1).optional(),
    password: secretRefSchema.optional(),
  })
  .strict();

/** One ServiceNow instance in closeloop's configuration. Secrets are references, never values. */
export const servicenowInstanceSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("servicenow"),
    baseUrl: z.url(),
    auth: z.discriminatedUnion("type", [basicAuthSchema, oauthSchema]),
    /** user_name of closeloop's own user; its approvals never count. */
    integrationUser: z.string().min(1),
    /** sys_id of the group that implements the changes (drives approvals at Assess). */
    assignmentGroup: z.string().min(1).optional(),
    /** Group sys_ids or names whose approvals count; absent = any group. */
    allowedApprovalGroups: z.array(z.string().min(1)).optional(),
    ratePerSecond: z.number().positive().optional(),
    /** How long to look for a create that failed ambiguously before giving up (cases BR-22). */
    lookupWindowMs: z.number().int().nonnegative().optional(),
    attachmentPollMs: z.number().int().positive().optional(),
    /** The prefix of every correlation_id closeloop writes; one poll query covers them all. */
    correlationPrefix: z.string().min(1).optional(),
  })
  .strict();

export type ServiceNowInstanceConfig = z.infer<typeof servicenowInstanceSchema>;

export const DEFAULT_CORRELATION_PREFIX = "finding-";
