import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

export const githubTargetSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("github"),
    /** api.github.com, a GHES `https://host/api/v3`, or a simulator. */
    baseUrl: z.url().default("https://api.github.com"),
    /**
     * The connector's own token (deploy keys, secret-scanning alerts). Never sent to
     * `/credentials/revoke`, which must be called anonymously (targets.md §4.2).
     */
    token: secretRefSchema,
    resolveAlerts: z.boolean().default(true),
    probe: z
      .object({
        consecutiveInvalid: z.number().int().min(1).default(2),
        intervalMs: z.number().int().nonnegative().default(10_000),
        deadlineMs: z
          .number()
          .int()
          .positive()
          .default(5 * 60_000),
        maxAttempts: z.number().int().min(1).default(30),
      })
      .strict()
      .default({
        consecutiveInvalid: 2,
        intervalMs: 10_000,
        deadlineMs: 5 * 60_000,
        maxAttempts: 30,
      }),
  })
  .strict();

export type GithubTargetConfig = z.infer<typeof githubTargetSchema>;
export type GithubTargetInput = z.input<typeof githubTargetSchema>;
