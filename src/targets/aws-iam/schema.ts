import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Managed policies AWS attaches to exposed keys itself; closeloop never detaches them (§3.3). */
export const QUARANTINE_POLICY_PREFIX =
  "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine";

export const DENY_ALL_POLICY_ARN = "arn:aws:iam::aws:policy/AWSDenyAll";

const policyArnSchema = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/, "an IAM policy ARN")
  .refine((arn) => !arn.startsWith(QUARANTINE_POLICY_PREFIX), {
    message: "AWS quarantine policies are never detached by closeloop",
  });

export const awsIamTargetSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("aws-iam"),
    region: z.string().min(1).default("us-east-1"),
    /** The connector's own principal; never the leaked key's user (the quarantine denies it). */
    credentials: z
      .object({
        accessKeyId: secretRefSchema,
        secretAccessKey: secretRefSchema,
        sessionToken: secretRefSchema.optional(),
      })
      .strict(),
    /** Overrides so tests and the demo can point at a simulator. */
    endpoints: z
      .object({ iam: z.url().optional(), sts: z.url().optional() })
      .strict()
      .default({}),
    keyRevocation: z
      .object({
        /** How long a key stays deactivated (and restorable) before it is deleted. */
        deleteAfterMs: z
          .number()
          .int()
          .nonnegative()
          .default(7 * DAY_MS),
        deleteKey: z.boolean().default(true),
      })
      .strict()
      .default({ deleteAfterMs: 7 * DAY_MS, deleteKey: true }),
    scopeReduction: z
      .object({
        /** Also plan these for secret findings, not only for access findings. */
        withKeyRevocation: z.boolean().default(false),
        attachDenyAll: z.boolean().default(false),
        denyAllPolicyArn: z.string().default(DENY_ALL_POLICY_ARN),
        detachPolicyArns: z.array(policyArnSchema).default([]),
        deleteInlinePolicies: z.array(z.string().min(1)).default([]),
        /** Actions the removed permissions used to allow; SimulatePrincipalPolicy must deny all. */
        probeActions: z
          .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/))
          .default([]),
      })
      .strict()
      .optional(),
    probe: z
      .object({
        /** InvalidClientTokenId answers needed in a row: deleted keys work for seconds (§3.4). */
        consecutiveInvalid: z.number().int().min(1).default(3),
        intervalMs: z.number().int().nonnegative().default(30_000),
        deadlineMs: z
          .number()
          .int()
          .positive()
          .default(10 * 60_000),
        maxAttempts: z.number().int().min(1).default(40),
        /** Without the leaked secret in custody, answer `indeterminate`, not the read-back. */
        requireSecret: z.boolean().default(false),
      })
      .strict()
      .default({
        consecutiveInvalid: 3,
        intervalMs: 30_000,
        deadlineMs: 10 * 60_000,
        maxAttempts: 40,
        requireSecret: false,
      }),
  })
  .strict();

export type AwsIamTargetConfig = z.infer<typeof awsIamTargetSchema>;
export type AwsIamTargetInput = z.input<typeof awsIamTargetSchema>;
