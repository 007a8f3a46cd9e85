import { z } from "zod";
import { jiraInstanceSchema } from "../itsm/jira/index.js";
import { servicenowInstanceSchema } from "../itsm/servicenow/config.js";
import { awsIamTargetSchema } from "../targets/aws-iam/index.js";
import { postgresTargetSchema } from "../targets/postgres/index.js";

/**
 * The ITSM and target systems closeloop can be configured with, each described by the schema its
 * adapter exports. Adding a system is one line in one of these lists.
 */
const itsmSchemas = [servicenowInstanceSchema, jiraInstanceSchema] as const;

// Which findings belong to a target; the identity resolver reads `match`. Until the identity
// module's targetMatchSchema lands, any value is kept as given.
const targetMatchSchema = z.unknown();

/** Ownership rules (owner by repository, path, principal), read by the identity resolver. */
export const ownershipConfigSchema = z.unknown();

const match = { match: targetMatchSchema.optional() };

const targetSchemas = [
  postgresTargetSchema.extend(match),
  awsIamTargetSchema.extend(match),
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
