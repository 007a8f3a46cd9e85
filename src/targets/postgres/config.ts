import { z } from "zod";
import { secretRefSchema } from "../../config/secret-ref.js";

export const postgresProbeSchema = z
  .object({
    /** How long verify keeps probing while the answer is `valid` or `indeterminate`. */
    deadlineMs: z.number().int().nonnegative().default(30_000),
    intervalMs: z.number().int().positive().default(1_000),
    /** One login attempt's connect timeout. */
    connectTimeoutMs: z.number().int().positive().default(5_000),
  })
  .strict();

/** A PostgreSQL server closeloop may act on, reached with an admin role from the configuration. */
export const postgresTargetSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("postgres"),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535).default(5432),
    database: z.string().min(1),
    admin: z
      .object({ user: z.string().min(1), password: secretRefSchema })
      .strict(),
    ssl: z.boolean().optional(),
    /** Plan `ALTER ROLE … PASSWORD NULL` too, so the leaked password itself dies. */
    rotatePassword: z.boolean().default(false),
    /** Plan an optional DROP ROLE after the role is disabled; never DROP OWNED (BR-28). */
    dropRole: z.boolean().default(false),
    probe: postgresProbeSchema.prefault({}),
  })
  .strict();

export type PostgresTargetConfig = z.output<typeof postgresTargetSchema>;
export type PostgresTargetInput = z.input<typeof postgresTargetSchema>;
