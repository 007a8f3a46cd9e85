import { decide, type AwsSimState, type SimUser } from "./state.js";
import { elements, members, xmlError, xmlResponse } from "./xml.js";

export interface IamSimOptions {
  /** How many STS calls a key keeps passing after it is deactivated or deleted. */
  staleAcceptsAfterRevoke: number;
}

type Operation = (
  state: AwsSimState,
  params: URLSearchParams,
  options: IamSimOptions,
) => Response;

function noSuchUser(name: string): Response {
  return xmlError(
    "iam",
    404,
    "NoSuchEntity",
    `The user with name ${name} cannot be found.`,
  );
}

function noSuchKey(id: string): Response {
  return xmlError(
    "iam",
    404,
    "NoSuchEntity",
    `The Access Key with id ${id} cannot be found.`,
  );
}

function withUser(
  state: AwsSimState,
  params: URLSearchParams,
  then: (user: SimUser) => Response,
): Response {
  const name = params.get("UserName") ?? "";
  const user = state.users.get(name);
  return user === undefined ? noSuchUser(name) : then(user);
}

function keyOperation(
  action: string,
  change: (user: SimUser, keyId: string, params: URLSearchParams) => void,
): Operation {
  return (state, params, options) =>
    withUser(state, params, (user) => {
      const keyId = params.get("AccessKeyId") ?? "";
      if (!user.keys.has(keyId)) return noSuchKey(keyId);
      change(user, keyId, params);
      if (options.staleAcceptsAfterRevoke > 0) {
        state.staleAccepts.set(keyId, options.staleAcceptsAfterRevoke);
      }
      return xmlResponse("iam", action, null);
    });
}

function listAccessKeys(state: AwsSimState, params: URLSearchParams) {
  return withUser(state, params, (user) => {
    const keys = [...user.keys.values()].map((key) =>
      elements({
        UserName: user.userName,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        CreateDate: key.createDate,
      }),
    );
    const body =
      elements({ UserName: user.userName }) +
      `<AccessKeyMetadata>${members(keys)}</AccessKeyMetadata>` +
      elements({ IsTruncated: "false" });
    return xmlResponse("iam", "ListAccessKeys", body);
  });
}

function getAccessKeyLastUsed(state: AwsSimState, params: URLSearchParams) {
  const keyId = params.get("AccessKeyId") ?? "";
  const owner = [...state.users.values()].find((u) => u.keys.has(keyId));
  if (owner === undefined) return noSuchKey(keyId);
  const body =
    elements({ UserName: owner.userName }) +
    `<AccessKeyLastUsed>${elements({ Region: "N/A", ServiceName: "N/A" })}</AccessKeyLastUsed>`;
  return xmlResponse("iam", "GetAccessKeyLastUsed", body);
}

function listAttachedUserPolicies(state: AwsSimState, params: URLSearchParams) {
  return withUser(state, params, (user) => {
    const attached = [...user.attachedPolicyArns].map((arn) =>
      elements({ PolicyName: arn.split("/").pop() ?? arn, PolicyArn: arn }),
    );
    const body =
      `<AttachedPolicies>${members(attached)}</AttachedPolicies>` +
      elements({ IsTruncated: "false" });
    return xmlResponse("iam", "ListAttachedUserPolicies", body);
  });
}

function policyOperation(
  action: string,
  change: (user: SimUser, params: URLSearchParams) => Response | null,
): Operation {
  return (state, params) =>
    withUser(state, params, (user) => {
      const refused = change(user, params);
      return refused ?? xmlResponse("iam", action, null);
    });
}

function getUserPolicy(state: AwsSimState, params: URLSearchParams) {
  return withUser(state, params, (user) => {
    const name = params.get("PolicyName") ?? "";
    const document = user.inlinePolicies.get(name);
    if (document === undefined) {
      return xmlError(
        "iam",
        404,
        "NoSuchEntity",
        `The user policy with name ${name} cannot be found.`,
      );
    }
    // IAM returns policy documents URL-encoded (fixture iam-get-user-policy.response.xml).
    const body = elements({
      UserName: user.userName,
      PolicyName: name,
      PolicyDocument: encodeURIComponent(document),
    });
    return xmlResponse("iam", "GetUserPolicy", body);
  });
}

function simulatePrincipalPolicy(state: AwsSimState, params: URLSearchParams) {
  const arn = params.get("PolicySourceArn") ?? "";
  const name = arn.split("/").pop() ?? "";
  return withUser(state, new URLSearchParams({ UserName: name }), (user) => {
    const actions = [...params.entries()]
      .filter(([key]) => key.startsWith("ActionNames.member."))
      .map(([, value]) => value);
    const results = actions.map((action) =>
      elements({
        EvalActionName: action,
        EvalResourceName: "*",
        EvalDecision: decide(state, user, action),
      }),
    );
    const body =
      `<EvaluationResults>${members(results)}</EvaluationResults>` +
      elements({ IsTruncated: "false" });
    return xmlResponse("iam", "SimulatePrincipalPolicy", body);
  });
}

function missingPolicy(arn: string): Response {
  return xmlError("iam", 404, "NoSuchEntity", `Policy ${arn} was not found.`);
}

function getUser(state: AwsSimState, params: URLSearchParams) {
  return withUser(state, params, (user) => {
    const body = `<User>${elements({
      Path: "/",
      UserName: user.userName,
      UserId: "AIDACKCEVSQ6C2EXAMPLE",
      Arn: `arn:aws:iam::${state.accountId}:user/${user.userName}`,
      CreateDate: "2024-01-15T10:00:00Z",
    })}</User>`;
    return xmlResponse("iam", "GetUser", body);
  });
}

export const iamOperations: Record<string, Operation> = {
  GetUser: getUser,
  ListAccessKeys: listAccessKeys,
  GetAccessKeyLastUsed: getAccessKeyLastUsed,
  UpdateAccessKey: keyOperation("UpdateAccessKey", (user, id, params) => {
    const key = user.keys.get(id);
    if (key !== undefined) {
      key.status = params.get("Status") === "Active" ? "Active" : "Inactive";
    }
  }),
  DeleteAccessKey: keyOperation("DeleteAccessKey", (user, id) => {
    user.keys.delete(id);
  }),
  ListAttachedUserPolicies: listAttachedUserPolicies,
  AttachUserPolicy: policyOperation("AttachUserPolicy", (user, params) => {
    user.attachedPolicyArns.add(params.get("PolicyArn") ?? "");
    return null;
  }),
  DetachUserPolicy: policyOperation("DetachUserPolicy", (user, params) => {
    const arn = params.get("PolicyArn") ?? "";
    return user.attachedPolicyArns.delete(arn) ? null : missingPolicy(arn);
  }),
  GetUserPolicy: getUserPolicy,
  PutUserPolicy: policyOperation("PutUserPolicy", (user, params) => {
    const name = params.get("PolicyName") ?? "";
    user.inlinePolicies.set(name, params.get("PolicyDocument") ?? "");
    return null;
  }),
  DeleteUserPolicy: policyOperation("DeleteUserPolicy", (user, params) => {
    const name = params.get("PolicyName") ?? "";
    return user.inlinePolicies.delete(name) ? null : missingPolicy(name);
  }),
  SimulatePrincipalPolicy: simulatePrincipalPolicy,
};
