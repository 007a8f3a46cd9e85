import { InputError } from "../../domain/errors.js";
import type { Finding } from "../../domain/finding.js";
import type { Identity } from "../../domain/identity.js";
import type { PlannedAction } from "../../domain/plan.js";
import type { AwsIamTargetConfig } from "./schema.js";

export const AWS_ACTIONS = {
  deactivateKey: "aws-iam.deactivate-key",
  deleteKey: "aws-iam.delete-key",
  attachDenyAll: "aws-iam.attach-deny-all",
  detachPolicy: "aws-iam.detach-policy",
  deleteInlinePolicy: "aws-iam.delete-inline-policy",
} as const;

const KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{12,}$/;

/** The IAM user and key a finding is about; the user comes from the identity, never guessed. */
export function resolveAwsPrincipal(
  identity: Identity,
  finding: Finding,
): { userName: string; accessKeyId: string | null } {
  const principalIsKey = KEY_ID.test(identity.principal);
  const accessKeyId =
    finding.hints.awsAccessKeyId ??
    (principalIsKey ? identity.principal : null);
  const fromArn = /:user\/(?:.*\/)?([^/]+)$/.exec(
    finding.hints.awsPrincipalArn ?? "",
  )?.[1];
  const userName = principalIsKey ? fromArn : identity.principal;
  if (userName === undefined || userName === "") {
    throw new InputError(
      "AWS_PRINCIPAL_UNKNOWN",
      `target ${identity.targetId}: the identity names key ${identity.principal} but no IAM ` +
        "user; add a resolution rule that sets the principal to the user name",
      { details: { targetId: identity.targetId } },
    );
  }
  return { userName, accessKeyId };
}

function keyActions(
  config: AwsIamTargetConfig,
  userName: string,
  keyId: string,
  now: Date,
): Omit<PlannedAction, "id">[] {
  const deactivate: Omit<PlannedAction, "id"> = {
    kind: AWS_ACTIONS.deactivateKey,
    summary: `iam:UpdateAccessKey Status=Inactive for key ${keyId} of IAM user ${userName}`,
    impact:
      `Every call signed with ${keyId} fails with InvalidClientTokenId; ` +
      `other keys and roles of ${userName} keep working.`,
    verification:
      `ListAccessKeys(${userName}) shows the key Inactive or absent, and STS GetCallerIdentity ` +
      `signed with the key fails with InvalidClientTokenId ` +
      `${config.probe.consecutiveInvalid} times in a row.`,
    undo: `iam:UpdateAccessKey Status=Active for ${keyId} (possible until the key is deleted).`,
    optional: false,
    params: { userName, accessKeyId: keyId },
  };
  if (!config.keyRevocation.deleteKey) return [deactivate];

  const notBefore = new Date(
    now.getTime() + config.keyRevocation.deleteAfterMs,
  ).toISOString();
  const remove: Omit<PlannedAction, "id"> = {
    kind: AWS_ACTIONS.deleteKey,
    summary:
      `iam:DeleteAccessKey for key ${keyId} of IAM user ${userName}, ` +
      `not before ${notBefore}`,
    impact: `The key is gone for good; whoever still needs access must get a new key.`,
    verification: `ListAccessKeys(${userName}) no longer lists ${keyId}.`,
    undo: null,
    optional: false,
    params: { userName, accessKeyId: keyId, notBefore },
  };
  return [deactivate, remove];
}

function scopeActions(
  config: AwsIamTargetConfig,
  userName: string,
): Omit<PlannedAction, "id">[] {
  const scope = config.scopeReduction;
  if (scope === undefined) return [];
  const probe =
    scope.probeActions.length === 0
      ? "ListAttachedUserPolicies / GetUserPolicy read back the change"
      : `SimulatePrincipalPolicy on ${userName} denies ${scope.probeActions.join(", ")}`;
  const actions: Omit<PlannedAction, "id">[] = [];

  for (const policyArn of scope.detachPolicyArns) {
    actions.push({
      kind: AWS_ACTIONS.detachPolicy,
      summary: `iam:DetachUserPolicy ${policyArn} from IAM user ${userName}`,
      impact: `${userName} loses every permission ${policyArn} granted it.`,
      verification: probe,
      undo: `iam:AttachUserPolicy ${policyArn} to ${userName}.`,
      optional: false,
      params: { userName, policyArn },
    });
  }
  for (const policyName of scope.deleteInlinePolicies) {
    actions.push({
      kind: AWS_ACTIONS.deleteInlinePolicy,
      summary: `iam:DeleteUserPolicy ${policyName} (inline) of IAM user ${userName}`,
      impact: `${userName} loses the permissions of inline policy ${policyName}.`,
      verification: probe,
      undo:
        `Manual: iam:PutUserPolicy ${policyName} with the document recorded in this ` +
        "action's evidence (detail.policyDocument).",
      optional: false,
      params: { userName, policyName },
    });
  }
  if (scope.attachDenyAll) {
    actions.push({
      kind: AWS_ACTIONS.attachDenyAll,
      summary: `iam:AttachUserPolicy ${scope.denyAllPolicyArn} to IAM user ${userName}`,
      impact:
        `Every request by ${userName}, with any of its keys, is denied ` +
        "(STS GetCallerIdentity still answers).",
      verification: probe,
      undo: `iam:DetachUserPolicy ${scope.denyAllPolicyArn} from ${userName}.`,
      optional: false,
      params: { userName, policyArn: scope.denyAllPolicyArn },
    });
  }
  return actions;
}

/** The plan for one finding: key kill for a leaked key, scope reduction as configured. */
export function planAwsIam(
  config: AwsIamTargetConfig,
  identity: Identity,
  finding: Finding,
  now: Date,
): PlannedAction[] {
  const { userName, accessKeyId } = resolveAwsPrincipal(identity, finding);
  const withScope =
    finding.kind === "access" ||
    config.scopeReduction?.withKeyRevocation === true;
  const steps = [
    ...(accessKeyId === null || finding.kind === "access"
      ? []
      : keyActions(config, userName, accessKeyId, now)),
    ...(withScope ? scopeActions(config, userName) : []),
  ];
  if (steps.length === 0) {
    throw new InputError(
      "AWS_NOTHING_TO_PLAN",
      `target ${config.id}: no key id for ${userName} and no scopeReduction configured`,
      { details: { targetId: config.id } },
    );
  }
  return steps.map((step, index) => ({ id: `a${index + 1}`, ...step }));
}
