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

/** What STS and IAM said about the leaked key when the plan was made (the target's planLive). */
export interface LiveKeyFacts {
  /** STS GetAccessKeyInfo's answer, checked against the connector's own account. */
  account: string;
  /** IAM GetAccessKeyLastUsed's UserName; null when IAM answered NoSuchEntity: already gone. */
  owner: string | null;
}

/** The leaked key's id: from the finding, or the identity's principal when that is a key. */
export function keyIdOf(identity: Identity, finding: Finding): string | null {
  if (finding.hints.awsAccessKeyId !== undefined) {
    return finding.hints.awsAccessKeyId;
  }
  return KEY_ID.test(identity.principal) ? identity.principal : null;
}

/** The IAM user the finding or its resolution names (a user principal, a user ARN), if any. */
export function namedUserOf(
  identity: Identity,
  finding: Finding,
): string | null {
  if (!KEY_ID.test(identity.principal)) return identity.principal;
  const fromArn = /:user\/(?:.*\/)?([^/]+)$/.exec(
    finding.hints.awsPrincipalArn ?? "",
  )?.[1];
  return fromArn === undefined || fromArn === "" ? null : fromArn;
}

function principalUnknown(identity: Identity): InputError {
  return new InputError(
    "AWS_PRINCIPAL_UNKNOWN",
    `target ${identity.targetId}: the identity names key ${identity.principal} but no IAM ` +
      "user; add a resolution rule that sets the principal to the user name",
    { details: { targetId: identity.targetId } },
  );
}

/** The IAM user and key a finding is about; the user comes from the identity, never guessed. */
export function resolveAwsPrincipal(
  identity: Identity,
  finding: Finding,
): { userName: string; accessKeyId: string | null } {
  const userName = namedUserOf(identity, finding);
  if (userName === null || userName === "") throw principalUnknown(identity);
  return { userName, accessKeyId: keyIdOf(identity, finding) };
}

/** Who and where every action names: the IAM user, and the account once it is known. */
interface Subject {
  userName: string;
  account: string | undefined;
}

function userIn(subject: Subject): string {
  const where =
    subject.account === undefined ? "" : ` in account ${subject.account}`;
  return `IAM user ${subject.userName}${where}`;
}

function subjectParams(subject: Subject): PlannedAction["params"] {
  return {
    userName: subject.userName,
    ...(subject.account === undefined ? {} : { account: subject.account }),
  };
}

function keyActions(
  config: AwsIamTargetConfig,
  subject: Subject,
  keyId: string,
  now: Date,
): Omit<PlannedAction, "id">[] {
  const { userName } = subject;
  const deactivate: Omit<PlannedAction, "id"> = {
    kind: AWS_ACTIONS.deactivateKey,
    summary: `iam:UpdateAccessKey Status=Inactive for key ${keyId} of ${userIn(subject)}`,
    impact:
      `Every call signed with ${keyId} fails with InvalidClientTokenId; ` +
      `other keys and roles of ${userName} keep working.`,
    verification: keyVerification(config, userName),
    undo: `iam:UpdateAccessKey Status=Active for ${keyId} (possible until the key is deleted).`,
    optional: false,
    params: { ...subjectParams(subject), accessKeyId: keyId },
  };
  if (!config.keyRevocation.deleteKey) return [deactivate];

  const notBefore = new Date(
    now.getTime() + config.keyRevocation.deleteAfterMs,
  ).toISOString();
  const remove: Omit<PlannedAction, "id"> = {
    kind: AWS_ACTIONS.deleteKey,
    summary:
      `iam:DeleteAccessKey for key ${keyId} of ${userIn(subject)}, ` +
      `not before ${notBefore}`,
    impact: `The key is gone for good; whoever still needs access must get a new key.`,
    verification: `ListAccessKeys(${userName}) no longer lists ${keyId}.`,
    undo: null,
    optional: false,
    params: { ...subjectParams(subject), accessKeyId: keyId, notBefore },
  };
  return [deactivate, remove];
}

function keyVerification(config: AwsIamTargetConfig, userName: string): string {
  return (
    `ListAccessKeys(${userName}) shows the key Inactive or absent, and STS GetCallerIdentity ` +
    `signed with the key fails with InvalidClientTokenId ` +
    `${config.probe.consecutiveInvalid} times in a row.`
  );
}

/**
 * The one key action for a key IAM no longer knew at plan time (BR-24): it confirms the key is
 * absent and answers ALREADY_REVOKED; only a key still listed is deactivated. Nothing to delete.
 */
function goneKeyAction(
  config: AwsIamTargetConfig,
  subject: Subject,
  keyId: string,
): Omit<PlannedAction, "id"> {
  return {
    kind: AWS_ACTIONS.deactivateKey,
    summary:
      `ListAccessKeys(${subject.userName}) to confirm that key ${keyId} of ` +
      `${userIn(subject)} is gone: at plan time IAM no longer knew it ` +
      "(GetAccessKeyLastUsed: NoSuchEntity), so it counts as already revoked; only if IAM " +
      "still lists it, iam:UpdateAccessKey Status=Inactive",
    impact:
      "None expected: the key no longer exists. Should IAM still list it, every call signed " +
      `with ${keyId} fails with InvalidClientTokenId from then on.`,
    verification: keyVerification(config, subject.userName),
    undo:
      "Nothing to undo while the key is gone; after a deactivation, iam:UpdateAccessKey " +
      `Status=Active for ${keyId}.`,
    optional: false,
    params: {
      ...subjectParams(subject),
      accessKeyId: keyId,
      absentAtPlan: true,
    },
  };
}

function scopeActions(
  config: AwsIamTargetConfig,
  subject: Subject,
): Omit<PlannedAction, "id">[] {
  const scope = config.scopeReduction;
  if (scope === undefined) return [];
  const { userName } = subject;
  const who = userIn(subject);
  const params = subjectParams(subject);
  const probe =
    scope.probeActions.length === 0
      ? "ListAttachedUserPolicies / GetUserPolicy read back the change"
      : `SimulatePrincipalPolicy on ${userName} denies ${scope.probeActions.join(", ")}`;
  const actions: Omit<PlannedAction, "id">[] = [];

  for (const policyArn of scope.detachPolicyArns) {
    actions.push({
      kind: AWS_ACTIONS.detachPolicy,
      summary: `iam:DetachUserPolicy ${policyArn} from ${who}`,
      impact: `${userName} loses every permission ${policyArn} granted it.`,
      verification: probe,
      undo: `iam:AttachUserPolicy ${policyArn} to ${userName}.`,
      optional: false,
      params: { ...params, policyArn },
    });
  }
  for (const policyName of scope.deleteInlinePolicies) {
    actions.push({
      kind: AWS_ACTIONS.deleteInlinePolicy,
      summary: `iam:DeleteUserPolicy ${policyName} (inline) of ${who}`,
      impact: `${userName} loses the permissions of inline policy ${policyName}.`,
      verification: probe,
      undo:
        `Manual: iam:PutUserPolicy ${policyName} with the document recorded in this ` +
        "action's evidence (detail.policyDocument).",
      optional: false,
      params: { ...params, policyName },
    });
  }
  if (scope.attachDenyAll) {
    actions.push({
      kind: AWS_ACTIONS.attachDenyAll,
      summary: `iam:AttachUserPolicy ${scope.denyAllPolicyArn} to ${who}`,
      impact:
        `Every request by ${userName}, with any of its keys, is denied ` +
        "(STS GetCallerIdentity still answers).",
      verification: probe,
      undo: `iam:DetachUserPolicy ${scope.denyAllPolicyArn} from ${userName}.`,
      optional: false,
      params: { ...params, policyArn: scope.denyAllPolicyArn },
    });
  }
  return actions;
}

/** The account the finding itself names (a hint, or the account in a principal ARN). */
function hintedAccount(finding: Finding): string | undefined {
  return (
    finding.hints.awsAccountId ??
    /^arn:aws[\w-]*:iam::(\d{12}):/.exec(
      finding.hints.awsPrincipalArn ?? "",
    )?.[1]
  );
}

/**
 * The plan for one finding: key kill for a leaked key, scope reduction as configured. With `live`
 * (read from STS and IAM at plan time) every action names the key's real owner and account, and
 * a key already gone is planned as a confirmation that answers ALREADY_REVOKED (BR-24).
 */
export function planAwsIam(
  config: AwsIamTargetConfig,
  identity: Identity,
  finding: Finding,
  now: Date,
  live?: LiveKeyFacts,
): PlannedAction[] {
  const accessKeyId = keyIdOf(identity, finding);
  const userName = live?.owner ?? namedUserOf(identity, finding);
  if (userName === null || userName === "") throw principalUnknown(identity);
  const subject: Subject = {
    userName,
    account: live?.account ?? hintedAccount(finding),
  };
  const withScope =
    finding.kind === "access" ||
    config.scopeReduction?.withKeyRevocation === true;
  const keySteps =
    accessKeyId === null || finding.kind === "access"
      ? []
      : live?.owner === null
        ? [goneKeyAction(config, subject, accessKeyId)]
        : keyActions(config, subject, accessKeyId, now);
  const steps = [
    ...keySteps,
    ...(withScope ? scopeActions(config, subject) : []),
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
