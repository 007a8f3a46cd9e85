import { z } from "zod";
import { ownershipSchema, targetMatchSchema } from "../identity/schema.js";
import { jiraInstanceSchema } from "../itsm/jira/config.js";
import { servicenowInstanceSchema } from "../itsm/servicenow/config.js";
import { awsIamTargetSchema } from "../targets/aws-iam/schema.js";
import { githubTargetSchema } from "../targets/github/schema.js";
import { postgresTargetSchema } from "../targets/postgres/config.js";
import { runbookTargetSchema } from "../targets/runbook/schema.js";
import { salesforceTargetSchema } from "../targets/salesforce/schema.js";

/**
 * The ITSM and target systems closeloop can be configured with, each described by the schema its
 * adapter exports. Adding a system is one line in one of these lists.
 */
const itsmSchemas = [servicenowInstanceSchema, jiraInstanceSchema] as const;

/** Ownership rules (CODEOWNERS, globs, a default owner), read by the identity resolver. */
export const ownershipConfigSchema = ownershipSchema.prefault({});

/**
 * What closeloop itself reads around every target, beside the adapter's own settings: which
 * findings it claims, and the guard every action passes (a concurrency limit, a circuit breaker).
 */
export const targetGuardSchema = z
  .object({
    /** Consecutive failed actions that stop sending actions to the target for a while. */
    failureThreshold: z.number().int().min(1).default(5),
    /** How long the breaker stays open before one trial action is let through. */
    resetAfterMs: z.number().int().min(1_000).default(60_000),
  })
  .strict();

const match = {
  match: targetMatchSchema.optional(),
  /** Actions running at once against this target. */
  concurrency: z.number().int().min(1).max(64).default(1),
  breaker: targetGuardSchema.prefault({}),
};

const targetSchemas = [
  postgresTargetSchema.extend(match),
  awsIamTargetSchema.extend(match),
  githubTargetSchema.extend(match),
  salesforceTargetSchema.extend(match),
  runbookTargetSchema.extend(match),
] as const;

const kindsOf = (schemas: readonly { shape: { kind: { value: string } } }[]) =>
  schemas.map((schema) => schema.shape.kind.value).join(", ");

export const itsmInstanceSchema = z.discriminatedUnion("kind", itsmSchemas, {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `kind must be one of ${kindsOf(itsmSchemas)}`
      : undefined,
});

export const targetSchema = z.discriminatedUnion("kind", targetSchemas, {
  error: (issue) =>
    issue.code === "invalid_union"
      ? `kind must be one of ${kindsOf(targetSchemas)}`
      : undefined,
});

export type ItsmInstanceConfig = z.output<typeof itsmInstanceSchema>;
export type TargetConfig = z.output<typeof targetSchema>;
