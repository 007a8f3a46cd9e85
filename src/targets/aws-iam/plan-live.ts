import {
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
} from "@aws-sdk/client-sts";
import { CloseloopError, isCloseloopError } from "../../domain/errors.js";
import type { Finding } from "../../domain/finding.js";
import type { Identity } from "../../domain/identity.js";
import type { PlannedAction } from "../../domain/plan.js";
import type { AwsClients } from "./client.js";
import { toAwsError } from "./errors.js";
import { readKeyOwner } from "./iam-reads.js";
import { keyIdOf, namedUserOf, planAwsIam, type LiveKeyFacts } from "./plan.js";
import type { AwsIamTargetConfig } from "./schema.js";

export interface LivePlanDeps {
  config: AwsIamTargetConfig;
  clients: AwsClients;
  now: () => Date;
  /** The account the connector's credentials act in, asked once per target. */
  connectorAccount: () => Promise<string>;
}

/** A plan refused before anything is approved: the finding shows why, nothing is retried. */
function refuse(
  code: string,
  message: string,
  details: Record<string, unknown>,
): CloseloopError {
  return new CloseloopError(code, message, { details });
}

/**
 * A read at plan time that failed (throttled, the connector's own credentials refused): nothing
 * is known about the key yet, so the engine plans again later rather than giving up on it.
 */
async function readAtPlanTime<T>(
  operation: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const aws = isCloseloopError(error) ? error : toAwsError(error, operation);
    throw new CloseloopError(
      "AWS_PLAN_READ_FAILED",
      `${operation} failed while planning (${String(aws.details.awsCode)}); ` +
        "check the target's credentials and permissions; planning is tried again",
      { cause: error, retryable: true, details: aws.details },
    );
  }
}

/** STS GetCallerIdentity with the connector's credentials: the account its IAM calls act on. */
export function readConnectorAccount(
  clients: AwsClients,
): () => Promise<string> {
  let account: Promise<string> | undefined;
  return () => {
    account ??= readAtPlanTime("GetCallerIdentity", async () => {
      const answer = await clients.sts.send(new GetCallerIdentityCommand({}));
      return answer.Account ?? "";
    }).catch((error: unknown) => {
      account = undefined;
      throw error;
    });
    return account;
  };
}

function readKeyAccount(
  clients: AwsClients,
  accessKeyId: string,
): Promise<string> {
  return readAtPlanTime("GetAccessKeyInfo", async () => {
    const answer = await clients.sts.send(
      new GetAccessKeyInfoCommand({ AccessKeyId: accessKeyId }),
    );
    return answer.Account ?? "";
  });
}

/**
 * Which account the key is in (STS GetAccessKeyInfo) and which IAM user owns it (IAM
 * GetAccessKeyLastUsed), asked with the target's own credentials, so the approved plan names
 * them. A key of another account, or of another user than the finding names, is refused here:
 * closeloop never plans to touch a key whose owner is not the planned principal (BR-24).
 */
export async function readLiveKeyFacts(
  deps: LivePlanDeps,
  identity: Identity,
  finding: Finding,
  accessKeyId: string,
): Promise<LiveKeyFacts> {
  const { config, clients } = deps;
  const [account, connectorAccount] = await Promise.all([
    readKeyAccount(clients, accessKeyId),
    deps.connectorAccount(),
  ]);
  if (account !== connectorAccount) {
    throw refuse(
      "KEY_IN_OTHER_ACCOUNT",
      `key ${accessKeyId} belongs to AWS account ${account}; target ${config.id} acts in ` +
        `account ${connectorAccount}; configure a target with credentials for that account`,
      { accessKeyId, keyAccount: account, targetAccount: connectorAccount },
    );
  }

  const owner = await readAtPlanTime("GetAccessKeyLastUsed", () =>
    readKeyOwner(clients.iam, accessKeyId),
  );
  const named = namedUserOf(identity, finding);
  if (owner !== null && named !== null && owner !== named) {
    throw refuse(
      "KEY_OWNER_MISMATCH",
      `key ${accessKeyId} in account ${account} belongs to IAM user ${owner}, not to ` +
        `${named} that the finding names; nothing is planned for either`,
      { accessKeyId, plannedUser: named, keyOwner: owner, account },
    );
  }
  if (owner === null && named === null) {
    throw refuse(
      "AWS_KEY_NOT_FOUND",
      `IAM in account ${account} does not know key ${accessKeyId} (GetAccessKeyLastUsed: ` +
        "NoSuchEntity) and the finding names no IAM user to confirm its absence with; " +
        "nothing is left to revoke for this target",
      { accessKeyId, account },
    );
  }
  return { account, owner };
}

/** The plan with the key's account and owner read live; without a key id, the plain plan. */
export async function planAwsIamLive(
  deps: LivePlanDeps,
  identity: Identity,
  finding: Finding,
): Promise<PlannedAction[]> {
  const accessKeyId = keyIdOf(identity, finding);
  if (accessKeyId === null || finding.kind === "access") {
    return planAwsIam(deps.config, identity, finding, deps.now());
  }
  const live = await readLiveKeyFacts(deps, identity, finding, accessKeyId);
  return planAwsIam(deps.config, identity, finding, deps.now(), live);
}
