import {
  AttachUserPolicyCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetUserPolicyCommand,
} from "@aws-sdk/client-iam";
import type { PlannedAction } from "../../domain/plan.js";
import { startAction, stringParam } from "../guard/action-result.js";
import type { ActionResult } from "../types.js";
import { isNoSuchEntity, toAwsError } from "./errors.js";
import { readAttachedPolicies } from "./iam-reads.js";
import { idsOf, type AwsActionDeps } from "./key-actions.js";

/**
 * Attaches (deny-all) or detaches (allow policy) a managed policy, idempotently: the attachment is
 * read first, so a repeat answers `already_done`.
 */
export async function setPolicyAttachment(
  action: PlannedAction,
  deps: AwsActionDeps,
  want: "attached" | "detached",
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const userName = stringParam(action, "userName");
  const policyArn = stringParam(action, "policyArn");
  const verb = want === "attached" ? "AttachUserPolicy" : "DetachUserPolicy";
  const summary = `iam:${verb} UserName=${userName} PolicyArn=${policyArn}`;

  const attached = await readAttachedPolicies(deps.iam, userName);
  if (attached === null) {
    return finish({
      outcome: want === "detached" ? "already_done" : "failed",
      resultCode: "USER_ABSENT",
      requestSummary: summary,
      detail: { userName },
      ...(want === "attached"
        ? { error: { code: "USER_ABSENT", message: `no IAM user ${userName}` } }
        : {}),
    });
  }
  if (attached.includes(policyArn) === (want === "attached")) {
    return finish({
      outcome: "already_done",
      resultCode:
        want === "attached" ? "POLICY_ALREADY_ATTACHED" : "POLICY_NOT_ATTACHED",
      requestSummary: summary,
      detail: { userName, policyArn },
    });
  }

  try {
    const input = { UserName: userName, PolicyArn: policyArn };
    const answer = await deps.iam.send(
      want === "attached"
        ? new AttachUserPolicyCommand(input)
        : new DetachUserPolicyCommand(input),
    );
    return finish({
      outcome: "done",
      resultCode: want === "attached" ? "POLICY_ATTACHED" : "POLICY_DETACHED",
      requestSummary: summary,
      responseIds: idsOf(answer.$metadata.requestId),
      detail: { userName, policyArn },
    });
  } catch (error) {
    throw toAwsError(error, verb);
  }
}

/** Deletes an inline policy, keeping its document in the result so a person can restore it. */
export async function deleteInlinePolicy(
  action: PlannedAction,
  deps: AwsActionDeps,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const userName = stringParam(action, "userName");
  const policyName = stringParam(action, "policyName");
  const summary = `iam:DeleteUserPolicy UserName=${userName} PolicyName=${policyName}`;
  const input = { UserName: userName, PolicyName: policyName };

  let document: string;
  try {
    const read = await deps.iam.send(new GetUserPolicyCommand(input));
    // IAM returns the document URL-encoded (fixture iam-get-user-policy.response.xml).
    document = decodeURIComponent(read.PolicyDocument ?? "");
  } catch (error) {
    if (!isNoSuchEntity(error)) throw toAwsError(error, "GetUserPolicy");
    return finish({
      outcome: "already_done",
      resultCode: "INLINE_POLICY_ABSENT",
      requestSummary: summary,
      detail: { userName, policyName },
    });
  }

  try {
    const answer = await deps.iam.send(new DeleteUserPolicyCommand(input));
    return finish({
      outcome: "done",
      resultCode: "INLINE_POLICY_DELETED",
      requestSummary: summary,
      responseIds: idsOf(answer.$metadata.requestId),
      detail: { userName, policyName, policyDocument: document },
    });
  } catch (error) {
    if (!isNoSuchEntity(error)) throw toAwsError(error, "DeleteUserPolicy");
    return finish({
      outcome: "already_done",
      resultCode: "INLINE_POLICY_ABSENT",
      requestSummary: summary,
      detail: { userName, policyName },
    });
  }
}
