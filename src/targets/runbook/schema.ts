import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

const jobSchema = z
  .object({
    /** Launch path under baseUrl, e.g. `/api/v2/job_templates/12/launch/`. */
    launchPath: z.string().startsWith("/"),
    /** Plain values passed to the job (AWX `extra_vars`, Rundeck `options`); never secrets. */
    variables: z.record(z.string(), z.string()).default({}),
    /** One line for the change manager: what the job does to the principal. */
    description: z.string().min(1),
    impact: z.string().min(1).default("As described by the runbook's owner."),
  })
  .strict();

export const runbookTargetSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("runbook"),
    baseUrl: z.url(),
    /** Sent as `Authorization: Bearer` to the runbook service. */
    token: secretRefSchema.optional(),
    revoke: jobSchema,
    /** A compensating job for undo; without it the action cannot be undone by closeloop. */
    undo: jobSchema.optional(),
    /**
     * Job statuses (targets.md §5.1–5.3): anything not listed keeps the poll going, so a status
     * nobody foresaw (`failed-with-retry`, `other`) never passes for success.
     */
    succeededStatuses: z.array(z.string()).default(["succeeded", "successful"]),
    failedStatuses: z
      .array(z.string())
      .default([
        "failed",
        "error",
        "canceled",
        "aborted",
        "timedout",
        "failed-with-retry",
        "other",
      ]),
    poll: z
      .object({
        intervalMs: z.number().int().nonnegative().default(5_000),
        deadlineMs: z
          .number()
          .int()
          .positive()
          .default(15 * 60_000),
        maxAttempts: z.number().int().min(1).default(200),
      })
      .strict()
      .default({
        intervalMs: 5_000,
        deadlineMs: 15 * 60_000,
        maxAttempts: 200,
      }),
    /** The proof: an HTTP check whose `goneStatus` means the credential no longer works. */
    probe: z
      .object({
        url: z.url(),
        method: z.enum(["GET", "HEAD", "POST"]).default("GET"),
        goneStatus: z.number().int().min(100).max(599),
        /** Statuses meaning the credential still works; others are indeterminate. */
        aliveStatuses: z.array(z.number().int()).default([200]),
        /** Present the leaked secret as a bearer token, or call without it. */
        credential: z.enum(["bearer", "none"]).default("bearer"),
        consecutiveInvalid: z.number().int().min(1).default(2),
        intervalMs: z.number().int().nonnegative().default(10_000),
        deadlineMs: z
          .number()
          .int()
          .positive()
          .default(5 * 60_000),
        maxAttempts: z.number().int().min(1).default(30),
      })
      .strict(),
  })
  .strict();

export type RunbookTargetConfig = z.infer<typeof runbookTargetSchema>;
export type RunbookTargetInput = z.input<typeof runbookTargetSchema>;
export type RunbookJobConfig = z.infer<typeof jobSchema>;
