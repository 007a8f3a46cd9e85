import { z } from "zod";
import type { TargetKind } from "../domain/identity.js";

/**
 * A finding a target claims by how and where it was found, for a report that names no org, account
 * or host (TruffleHog's Salesforce detector reports the token alone). Every condition given must
 * hold; at least one is given, so no rule claims every finding.
 */
export const identityRuleSchema = z
  .object({
    /** closeloop's detector name, e.g. `salesforce-token`. */
    detector: z.string().min(1).optional(),
    /** A source format that reported it, e.g. `trufflehog`. */
    source: z.string().min(1).optional(),
    /** A file it was seen in, as a CODEOWNERS pattern. */
    pathGlob: z.string().min(1).optional(),
    /** The principal on the target (the integration user's username); else the finding's own. */
    principal: z.string().min(1).optional(),
  })
  .strict()
  .refine(
    (rule) =>
      rule.detector !== undefined ||
      rule.source !== undefined ||
      rule.pathGlob !== undefined,
    { message: "a rule needs at least one of detector, source, pathGlob" },
  );

/** Which findings a target claims, beside what its own connection settings say. */
export const targetMatchSchema = z
  .object({
    hosts: z.array(z.string().min(1)).optional(),
    ports: z.array(z.number().int().positive()).optional(),
    databases: z.array(z.string().min(1)).optional(),
    awsAccountIds: z
      .array(z.string().regex(/^\d{12}$/, "a 12-digit AWS account id"))
      .optional(),
    githubOrgs: z.array(z.string().min(1)).optional(),
    salesforceInstances: z.array(z.string().min(1)).optional(),
    endpoints: z.array(z.string().min(1)).optional(),
    /** Tried when the finding names no org, account or host of this target's kind. */
    rules: z.array(identityRuleSchema).optional(),
  })
  .strict();

export type TargetMatch = z.infer<typeof targetMatchSchema>;
export type IdentityRule = z.infer<typeof identityRuleSchema>;

export interface MatchableTarget {
  id: string;
  kind: TargetKind;
  match?: TargetMatch;
  /** For postgres: where the target connects, which also says which findings are its own. */
  host?: string;
  port?: number;
  database?: string;
}

export const ownershipRuleSchema = z
  .object({
    pathGlob: z.string().min(1).optional(),
    detector: z.string().min(1).optional(),
    targetId: z.string().min(1).optional(),
    owner: z.string().min(1),
  })
  .strict();

export const ownershipSchema = z
  .object({
    /** Relative to the source root unless absolute; found in the usual places when absent. */
    codeownersFile: z.string().min(1).optional(),
    rules: z.array(ownershipRuleSchema).optional(),
    defaultOwner: z.string().min(1).optional(),
  })
  .strict();

export type Ownership = z.infer<typeof ownershipSchema>;
export type OwnershipRule = z.infer<typeof ownershipRuleSchema>;
