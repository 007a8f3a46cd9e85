import { z } from "zod";
import { custodyKeyProblem } from "../custody/custody.js";
import { checkedSecretRefSchema } from "./secret-ref.js";
import { sourceConfigSchema } from "./sources.js";
import { webhooksConfigSchema } from "./webhooks.js";
import {
  itsmInstanceSchema,
  ownershipConfigSchema,
  targetSchema,
} from "./systems.js";

const TARGET_KINDS = [
  "postgres",
  "salesforce",
  "aws-iam",
  "github",
  "runbook",
] as const;
const FINDING_KINDS = ["secret", "access", "certificate"] as const;

const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item).min(1)]);
const id = z.string().min(1);

export const logConfigSchema = z
  .object({
    level: z.enum(["error", "warn", "info", "debug"]).default("info"),
    format: z.enum(["json", "pretty"]).default("json"),
  })
  .strict();

export const httpConfigSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65_535).default(8080),
    /** Webhook receivers `closeloop run` mounts; polling stays the fallback. */
    webhooks: webhooksConfigSchema.optional(),
  })
  .strict();

/** Checked when the configuration is, so `config check` refuses what every other command would. */
const custodyKeySchema = checkedSecretRefSchema(custodyKeyProblem);

export const custodyConfigSchema = z
  .object({
    /** Encrypts the leaked values kept for probing; never inline. */
    key: custodyKeySchema,
    /** Older keys still able to decrypt, newest first, while values are re-encrypted. */
    previousKeys: z.array(custodyKeySchema).default([]),
  })
  .strict();

/** Every condition given must hold; a list matches any of its values. */
const routingConditionsSchema = z
  .object({
    detector: oneOrMany(id).optional(),
    targetId: oneOrMany(id).optional(),
    targetKind: oneOrMany(z.enum(TARGET_KINDS)).optional(),
    owner: oneOrMany(id).optional(),
    kind: oneOrMany(z.enum(FINDING_KINDS)).optional(),
  })
  .strict();

export const routingRuleSchema = z
  .object({
    when: routingConditionsSchema,
    /** ITSM instance ids; the first is where the approval is read. */
    itsm: z.array(id).min(1),
    jiraProject: id.optional(),
  })
  .strict();

/**
 * Where a finding that resolves to no target gets a manual-remediation ticket: the first rule
 * whose every condition holds, else `itsm`. Without a match it stays `unresolved`. Such a finding
 * has no target, so its rules cannot name one.
 */
export const unresolvedRuleSchema = routingRuleSchema
  .extend({
    when: routingConditionsSchema
      .omit({ targetId: true, targetKind: true })
      .strict(),
  })
  .strict();

export const unresolvedRoutingSchema = z
  .object({
    rules: z.array(unresolvedRuleSchema).default([]),
    itsm: z.array(id).min(1).optional(),
    jiraProject: id.optional(),
  })
  .strict();

export const routingConfigSchema = z
  .object({
    rules: z.array(routingRuleSchema).default([]),
    default: z.array(id).min(1),
    unresolved: unresolvedRoutingSchema.optional(),
  })
  .strict();

export const policyConfigSchema = z
  .object({
    /** Approver groups whose approval counts; unset: every group counts. */
    allowedApprovalGroups: z.array(id).optional(),
    /** A ticket closed or deleted by a person before the evidence: flag it, or open a new one. */
    ticketLost: z.enum(["flag", "reopen"]).default("flag"),
    pollIntervalMs: z.number().int().min(1_000).default(30_000),
  })
  .strict();

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default("./.closeloop"),
    custody: custodyConfigSchema,
    log: logConfigSchema.prefault({}),
    http: httpConfigSchema.prefault({}),
    itsm: z.array(itsmInstanceSchema).min(1),
    targets: z.array(targetSchema).default([]),
    /** Finding APIs pulled by `closeloop run` and `closeloop ingest --source ID`. */
    sources: z.array(sourceConfigSchema).default([]),
    routing: routingConfigSchema,
    ownership: ownershipConfigSchema,
    policy: policyConfigSchema.prefault({}),
    mappingsDir: z.string().min(1).default("./mappings"),
  })
  .strict()
  .superRefine((config, ctx) => {
    uniqueIds(config.itsm, ["itsm"], ctx);
    uniqueIds(config.targets, ["targets"], ctx);
    uniqueIds(config.sources, ["sources"], ctx);
    checkWebhooks(config, ctx);

    const known = new Set(config.itsm.map((instance) => instance.id));
    const refs: [string[], (string | number)[]][] = [
      [config.routing.default, ["routing", "default"]],
      ...config.routing.rules.map(
        (rule, i): [string[], (string | number)[]] => [
          rule.itsm,
          ["routing", "rules", i, "itsm"],
        ],
      ),
      ...unresolvedRefs(config.routing.unresolved),
    ];
    for (const [ids, path] of refs) {
      ids.forEach((ref, j) => {
        if (known.has(ref)) return;
        ctx.addIssue({
          code: "custom",
          path: [...path, j],
          message: `unknown ITSM instance "${ref}"; configured: ${[...known].join(", ")}`,
        });
      });
    }
  });

/** The ITSM instance ids `routing.unresolved` names, with their paths. */
function unresolvedRefs(
  unresolved: z.output<typeof unresolvedRoutingSchema> | undefined,
): [string[], (string | number)[]][] {
  if (unresolved === undefined) return [];
  const base = ["routing", "unresolved"];
  return [
    ...(unresolved.itsm === undefined
      ? []
      : [[unresolved.itsm, [...base, "itsm"]] as [string[], string[]]]),
    ...unresolved.rules.map((rule, i): [string[], (string | number)[]] => [
      rule.itsm,
      [...base, "rules", i, "itsm"],
    ]),
  ];
}

/** Webhooks name configured ITSM instances and, for GitHub, a configured GitHub alerts source. */
function checkWebhooks(
  config: {
    itsm: readonly { id: string }[];
    sources: readonly { id: string; kind: string }[];
    http: { webhooks?: z.output<typeof webhooksConfigSchema> | undefined };
  },
  ctx: z.RefinementCtx,
): void {
  const webhooks = config.http.webhooks;
  if (webhooks === undefined) return;
  const known = config.itsm.map((instance) => instance.id);
  for (const id of Object.keys(webhooks.itsm)) {
    if (known.includes(id)) continue;
    ctx.addIssue({
      code: "custom",
      path: ["http", "webhooks", "itsm", id],
      message: `unknown ITSM instance "${id}"; configured: ${known.join(", ")}`,
    });
  }
  const source = webhooks.github?.source;
  if (source === undefined) return;
  const github = config.sources
    .filter((s) => s.kind === "github-secret-scanning")
    .map((s) => s.id);
  if (github.includes(source)) return;
  ctx.addIssue({
    code: "custom",
    path: ["http", "webhooks", "github", "source"],
    message:
      `no github-secret-scanning source "${source}" in sources; ` +
      `configured: ${github.join(", ") || "none"}`,
  });
}

function uniqueIds(
  items: readonly { id: string }[],
  path: string[],
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) {
      ctx.addIssue({
        code: "custom",
        path: [...path, i, "id"],
        message: `duplicate id "${item.id}"`,
      });
    }
    seen.add(item.id);
  });
}

export type Config = z.output<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type RoutingConfig = Config["routing"];
export type RoutingRule = Config["routing"]["rules"][number];
export type UnresolvedRouting = NonNullable<Config["routing"]["unresolved"]>;
export type UnresolvedRule = UnresolvedRouting["rules"][number];
export type PolicyConfig = Config["policy"];
export type SourceEntry = Config["sources"][number];
