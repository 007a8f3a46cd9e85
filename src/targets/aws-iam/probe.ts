import {
  GetUserCommand,
  GetUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import type { PlannedAction } from "../../domain/plan.js";
import type { SecretValue } from "../../domain/secret.js";
import type { ProbeAnswer, ProbeCheck } from "../types.js";
import { isNoSuchEntity, readAwsFailure } from "./errors.js";
import { readAttachedPolicies, readKeyState } from "./iam-reads.js";
import type { AwsClients } from "./client.js";
import { AWS_ACTIONS } from "./plan.js";

export interface ProbeDeps {
  clients: AwsClients;
  now: () => Date;
}

function check(
  deps: ProbeDeps,
  name: string,
  answer: ProbeAnswer,
  observed: string,
): ProbeCheck {
  return { name, answer, observed, at: deps.now().toISOString() };
}

/** ListAccessKeys for the planned user: Inactive or absent is `invalid`. */
export async function probeKeyReadBack(
  deps: ProbeDeps,
  userName: string,
  keyId: string,
): Promise<ProbeCheck> {
  try {
    const { state } = await readKeyState(deps.clients.iam, userName, keyId);
    const answer = state === "Active" ? "valid" : "invalid";
    return check(
      deps,
      "iam.list-access-keys",
      answer,
      `key ${keyId}: ${state}`,
    );
  } catch (error) {
    const failure = readAwsFailure(error);
    return check(deps, "iam.list-access-keys", "indeterminate", failure.code);
  }
}

/**
 * GetCallerIdentity signed with the leaked key. It needs no permission and answers even under an
 * explicit deny, so it proves authentication only (targets.md §3.5).
 */
export async function probeKeyWithSts(
  deps: ProbeDeps,
  keyId: string,
  secret: SecretValue,
): Promise<ProbeCheck> {
  const sts = deps.clients.stsWithKey(keyId, secret.reveal());
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    return check(
      deps,
      "sts.get-caller-identity",
      "valid",
      `authenticated as ${answer.Arn ?? "unknown"}`,
    );
  } catch (error) {
    const failure = readAwsFailure(error);
    // Unknown, inactive and deleted keys all answer InvalidClientTokenId; SignatureDoesNotMatch
    // means the probe holds the wrong secret and proves nothing.
    const answer =
      failure.code === "InvalidClientTokenId" ? "invalid" : "indeterminate";
    return check(
      deps,
      "sts.get-caller-identity",
      answer,
      `${failure.status ?? "-"} ${failure.code}`,
    );
  } finally {
    sts.destroy();
  }
}

/** Reads back each scope action: the deny attached, the allow detached, the inline gone. */
export async function probeScopeReadBack(
  deps: ProbeDeps,
  actions: PlannedAction[],
): Promise<ProbeCheck[]> {
  const iam = deps.clients.iam;
  const checks: ProbeCheck[] = [];
  for (const action of actions) {
    const userName = String(action.params.userName);
    try {
      if (action.kind === AWS_ACTIONS.deleteInlinePolicy) {
        const policyName = String(action.params.policyName);
        const present = await inlinePresent(iam, userName, policyName);
        checks.push(
          check(
            deps,
            "iam.get-user-policy",
            present ? "valid" : "invalid",
            `${policyName} ${present ? "present" : "absent"}`,
          ),
        );
        continue;
      }
      const arn = String(action.params.policyArn);
      const attached = (await readAttachedPolicies(iam, userName)) ?? [];
      const wantAttached = action.kind === AWS_ACTIONS.attachDenyAll;
      const done = attached.includes(arn) === wantAttached;
      checks.push(
        check(
          deps,
          "iam.list-attached-user-policies",
          done ? "invalid" : "valid",
          `${arn} ${attached.includes(arn) ? "attached" : "not attached"}`,
        ),
      );
    } catch (error) {
      const failure = readAwsFailure(error);
      checks.push(
        check(deps, "iam.scope-read-back", "indeterminate", failure.code),
      );
    }
  }
  return checks;
}

async function inlinePresent(
  iam: IAMClient,
  userName: string,
  policyName: string,
): Promise<boolean> {
  try {
    await iam.send(
      new GetUserPolicyCommand({ UserName: userName, PolicyName: policyName }),
    );
    return true;
  } catch (error) {
    if (isNoSuchEntity(error)) return false;
    throw error;
  }
}

/**
 * Asks IAM whether the user may still do what the removed permissions allowed. GetCallerIdentity
 * cannot answer this: it succeeds under an explicit deny (targets.md §3.5, narrowing probe).
 */
export async function probeScopeSimulation(
  deps: ProbeDeps,
  userName: string,
  actionNames: string[],
): Promise<ProbeCheck> {
  const iam = deps.clients.iam;
  try {
    const user = await iam.send(new GetUserCommand({ UserName: userName }));
    const answer = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: user.User?.Arn,
        ActionNames: actionNames,
      }),
    );
    const allowed = (answer.EvaluationResults ?? [])
      .filter((r) => r.EvalDecision === "allowed")
      .map((r) => r.EvalActionName ?? "?");
    const observed =
      allowed.length === 0
        ? `denied: ${actionNames.join(", ")}`
        : `allowed: ${allowed.join(", ")}`;
    return check(
      deps,
      "iam.simulate-principal-policy",
      allowed.length === 0 ? "invalid" : "valid",
      observed,
    );
  } catch (error) {
    const failure = readAwsFailure(error);
    // A deleted user can do nothing at all.
    if (failure.code === "NoSuchEntity") {
      return check(
        deps,
        "iam.simulate-principal-policy",
        "invalid",
        "user absent",
      );
    }
    return check(
      deps,
      "iam.simulate-principal-policy",
      "indeterminate",
      failure.code,
    );
  }
}
