import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { resolveSecretRef } from "../../config/secret-ref.js";
import type { AwsIamTargetConfig } from "./schema.js";

export interface AwsClients {
  iam: IAMClient;
  /** STS with the connector's own credentials: which account a key or the connector is in. */
  sts: STSClient;
  /** An STS client signed with the leaked key, for the proof probe only. */
  stsWithKey(accessKeyId: string, secretAccessKey: string): STSClient;
}

/**
 * The connector's IAM client, from configured credentials only. `maxAttempts: 1` because the
 * engine owns retries; a retried 403 from the SDK would only hide what happened.
 */
export function createAwsClients(
  config: AwsIamTargetConfig,
  env: NodeJS.ProcessEnv,
): AwsClients {
  const where = `targets.${config.id}.credentials`;
  const { credentials: refs } = config;
  const sessionToken =
    refs.sessionToken === undefined
      ? undefined
      : resolveSecretRef(refs.sessionToken, `${where}.sessionToken`, env);
  const accessKeyId = resolveSecretRef(
    refs.accessKeyId,
    `${where}.accessKeyId`,
    env,
  );
  const secretAccessKey = resolveSecretRef(
    refs.secretAccessKey,
    `${where}.secretAccessKey`,
    env,
  );

  const credentials = {
    accessKeyId: accessKeyId.reveal(),
    secretAccessKey: secretAccessKey.reveal(),
    ...(sessionToken === undefined
      ? {}
      : { sessionToken: sessionToken.reveal() }),
  };
  const iam = new IAMClient({
    region: config.region,
    maxAttempts: 1,
    ...(config.endpoints.iam === undefined
      ? {}
      : { endpoint: config.endpoints.iam }),
    credentials,
  });
  const stsEndpoint =
    config.endpoints.sts === undefined
      ? {}
      : { endpoint: config.endpoints.sts };
  const sts = new STSClient({
    region: config.region,
    maxAttempts: 1,
    ...stsEndpoint,
    credentials,
  });

  // Probe in the key's own partition from a default-enabled region: an opt-in region or the
  // wrong partition also answers InvalidClientTokenId (targets.md §3.5).
  const stsWithKey = (id: string, secret: string): STSClient =>
    new STSClient({
      region: config.region,
      maxAttempts: 1,
      ...stsEndpoint,
      credentials: { accessKeyId: id, secretAccessKey: secret },
    });

  return { iam, sts, stsWithKey };
}
