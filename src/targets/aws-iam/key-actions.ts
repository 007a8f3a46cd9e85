import {
  DeleteAccessKeyCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import type { PlannedAction } from "../../domain/plan.js";
import { assertDue, startAction, stringParam } from "../guard/action-result.js";
import type { ActionResult } from "../types.js";
import { isNoSuchEntity, toAwsError } from "./errors.js";
import { readKeyOwner, readKeyState, type KeyState } from "./iam-reads.js";

export interface AwsActionDeps {
  iam: IAMClient;
  now: () => Date;
}

type Finish = ReturnType<typeof startAction>;

interface KeyTarget {
  userName: string;
  keyId: string;
  finish: Finish;
}

function keyTarget(action: PlannedAction, deps: AwsActionDeps): KeyTarget {
  return {
    userName: stringParam(action, "userName"),
    keyId: stringParam(action, "accessKeyId"),
    finish: startAction(action, deps.now),
  };
}

/** Fails the action when IAM says the key belongs to someone other than the planned user. */
async function ownerMismatch(
  deps: AwsActionDeps,
  target: KeyTarget,
): Promise<ActionResult | null> {
  const owner = await readKeyOwner(deps.iam, target.keyId);
  if (owner === null || owner === target.userName) return null;
  return target.finish({
    outcome: "failed",
    resultCode: "KEY_OWNER_MISMATCH",
    requestSummary: `iam:GetAccessKeyLastUsed ${target.keyId}`,
    detail: { plannedUser: target.userName, keyOwner: owner },
    error: {
      code: "KEY_OWNER_MISMATCH",
      message:
        `key ${target.keyId} belongs to ${owner}, ` +
        `not to the planned user ${target.userName}`,
    },
  });
}

function alreadyRevoked(
  deps: AwsActionDeps,
  target: KeyTarget,
  state: KeyState,
  requestSummary: string,
  requestIds: string[],
): ActionResult {
  const at = deps.now().toISOString();
  return target.finish({
    outcome: "already_done",
    resultCode: "ALREADY_REVOKED",
    requestSummary,
    responseIds: requestIds,
    detail: {
      // What the evidence says in words: nobody here deleted it, it was gone (BR-24).
      note: `not found at ${at}`,
      notFoundAt: at,
      userDeleted: state === "user-absent",
      userName: target.userName,
      accessKeyId: target.keyId,
    },
  });
}

export async function deactivateKey(
  action: PlannedAction,
  deps: AwsActionDeps,
): Promise<ActionResult> {
  const target = keyTarget(action, deps);
  const mismatch = await ownerMismatch(deps, target);
  if (mismatch !== null) return mismatch;

  const summary = updateSummary(target, "Inactive");
  const before = await readKeyState(deps.iam, target.userName, target.keyId);
  if (before.state === "absent" || before.state === "user-absent") {
    return alreadyRevoked(
      deps,
      target,
      before.state,
      summary,
      before.requestIds,
    );
  }
  if (before.state === "Inactive") {
    return target.finish({
      outcome: "already_done",
      resultCode: "KEY_ALREADY_INACTIVE",
      requestSummary: summary,
      responseIds: before.requestIds,
      detail: { userName: target.userName, accessKeyId: target.keyId },
    });
  }

  const answer = await setStatus(deps, target, "Inactive");
  if (answer === "gone") return afterNotFound(deps, target, summary);
  return target.finish({
    outcome: "done",
    resultCode: "KEY_DEACTIVATED",
    requestSummary: summary,
    responseIds: answer,
    detail: { userName: target.userName, accessKeyId: target.keyId },
  });
}

export async function deleteKey(
  action: PlannedAction,
  deps: AwsActionDeps,
): Promise<ActionResult> {
  assertDue(action, deps.now);
  const target = keyTarget(action, deps);
  const mismatch = await ownerMismatch(deps, target);
  if (mismatch !== null) return mismatch;

  const summary = `iam:DeleteAccessKey UserName=${target.userName} AccessKeyId=${target.keyId}`;
  try {
    const answer = await deps.iam.send(
      new DeleteAccessKeyCommand({
        UserName: target.userName,
        AccessKeyId: target.keyId,
      }),
    );
    return target.finish({
      outcome: "done",
      resultCode: "KEY_DELETED",
      requestSummary: summary,
      responseIds: idsOf(answer.$metadata.requestId),
      detail: { userName: target.userName, accessKeyId: target.keyId },
    });
  } catch (error) {
    if (!isNoSuchEntity(error)) throw toAwsError(error, "DeleteAccessKey");
    return afterNotFound(deps, target, summary);
  }
}

/** Undo of a deactivation: possible only while the key still exists. */
export async function reactivateKey(
  action: PlannedAction,
  deps: AwsActionDeps,
): Promise<ActionResult> {
  const target = keyTarget(action, deps);
  const mismatch = await ownerMismatch(deps, target);
  if (mismatch !== null) return mismatch;

  const summary = updateSummary(target, "Active");
  const before = await readKeyState(deps.iam, target.userName, target.keyId);
  if (before.state === "Active") {
    return target.finish({
      outcome: "already_done",
      resultCode: "KEY_ALREADY_ACTIVE",
      requestSummary: summary,
      responseIds: before.requestIds,
    });
  }
  const answer =
    before.state === "Inactive"
      ? await setStatus(deps, target, "Active")
      : "gone";
  if (answer === "gone") {
    return target.finish({
      outcome: "failed",
      resultCode: "KEY_GONE",
      requestSummary: summary,
      responseIds: before.requestIds,
      error: {
        code: "UNDO_IMPOSSIBLE",
        message: `key ${target.keyId} no longer exists; issue a new key to ${target.userName}`,
      },
    });
  }
  return target.finish({
    outcome: "done",
    resultCode: "KEY_REACTIVATED",
    requestSummary: summary,
    responseIds: answer,
  });
}

async function setStatus(
  deps: AwsActionDeps,
  target: KeyTarget,
  status: "Active" | "Inactive",
): Promise<string[] | "gone"> {
  try {
    const answer = await deps.iam.send(
      new UpdateAccessKeyCommand({
        UserName: target.userName,
        AccessKeyId: target.keyId,
        Status: status,
      }),
    );
    return idsOf(answer.$metadata.requestId);
  } catch (error) {
    if (isNoSuchEntity(error)) return "gone";
    throw toAwsError(error, "UpdateAccessKey");
  }
}

/** NoSuchEntity means "already revoked" only once ListAccessKeys confirms it (BR-24). */
async function afterNotFound(
  deps: AwsActionDeps,
  target: KeyTarget,
  summary: string,
): Promise<ActionResult> {
  const after = await readKeyState(deps.iam, target.userName, target.keyId);
  if (after.state === "absent" || after.state === "user-absent") {
    return alreadyRevoked(deps, target, after.state, summary, after.requestIds);
  }
  return target.finish({
    outcome: "failed",
    resultCode: "KEY_STATE_INCONSISTENT",
    requestSummary: summary,
    responseIds: after.requestIds,
    detail: { listedStatus: after.state },
    error: {
      code: "KEY_STATE_INCONSISTENT",
      message: `IAM answered NoSuchEntity but still lists ${target.keyId}`,
    },
  });
}

function updateSummary(target: KeyTarget, status: string): string {
  return (
    `iam:UpdateAccessKey UserName=${target.userName} ` +
    `AccessKeyId=${target.keyId} Status=${status}`
  );
}

export function idsOf(requestId: string | undefined): string[] {
  return requestId === undefined ? [] : [requestId];
}
