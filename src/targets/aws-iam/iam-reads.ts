import {
  GetAccessKeyLastUsedCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { isNoSuchEntity, toAwsError } from "./errors.js";

export type KeyState = "Active" | "Inactive" | "absent" | "user-absent";

export interface KeyReading {
  state: KeyState;
  requestIds: string[];
}

/** The key's status as ListAccessKeys reports it for the planned user (pages followed). */
export async function readKeyState(
  iam: IAMClient,
  userName: string,
  accessKeyId: string,
): Promise<KeyReading> {
  const requestIds: string[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await iam.send(
        new ListAccessKeysCommand({
          UserName: userName,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
      );
    } catch (error) {
      // A deleted user has no keys left: BR-24's user-deleted variant.
      if (isNoSuchEntity(error)) return { state: "user-absent", requestIds };
      throw toAwsError(error, "ListAccessKeys");
    }
    if (page.$metadata.requestId !== undefined) {
      requestIds.push(page.$metadata.requestId);
    }
    const key = page.AccessKeyMetadata?.find(
      (k) => k.AccessKeyId === accessKeyId,
    );
    if (key !== undefined) {
      return {
        state: key.Status === "Inactive" ? "Inactive" : "Active",
        requestIds,
      };
    }
    marker = page.IsTruncated === true ? page.Marker : undefined;
  } while (marker !== undefined);
  return { state: "absent", requestIds };
}

/**
 * Who owns a key according to IAM, or null when IAM no longer knows the key. Every per-user call
 * passes UserName, so a key of another user would look "not found" there: the owner check is what
 * keeps that from being reported as revoked (BR-24, wrong-user variant).
 */
export async function readKeyOwner(
  iam: IAMClient,
  accessKeyId: string,
): Promise<string | null> {
  try {
    const answer = await iam.send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }),
    );
    return answer.UserName ?? null;
  } catch (error) {
    if (isNoSuchEntity(error)) return null;
    throw toAwsError(error, "GetAccessKeyLastUsed");
  }
}

/** Managed policy ARNs attached to the user, or null when the user does not exist. */
export async function readAttachedPolicies(
  iam: IAMClient,
  userName: string,
): Promise<string[] | null> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    let page;
    try {
      page = await iam.send(
        new ListAttachedUserPoliciesCommand({
          UserName: userName,
          ...(marker === undefined ? {} : { Marker: marker }),
        }),
      );
    } catch (error) {
      if (isNoSuchEntity(error)) return null;
      throw toAwsError(error, "ListAttachedUserPolicies");
    }
    for (const policy of page.AttachedPolicies ?? []) {
      if (policy.PolicyArn !== undefined) arns.push(policy.PolicyArn);
    }
    marker = page.IsTruncated === true ? page.Marker : undefined;
  } while (marker !== undefined);
  return arns;
}
