import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { SecretValue } from "../domain/secret.js";

export interface StsOutcome {
  authenticated: boolean;
  /** The ARN it authenticated as, or the error code (`InvalidClientTokenId`): never the key. */
  observed: string;
}

/**
 * STS GetCallerIdentity signed with the leaked key pair, as whoever found the leak would try it:
 * the proof the demo shows beside closeloop's own probe. It needs no permission, so it answers
 * whether the key authenticates at all.
 */
export async function stsOutcome(
  stsUrl: string,
  accessKeyId: string,
  secretAccessKey: SecretValue,
): Promise<StsOutcome> {
  const sts = new STSClient({
    region: "us-east-1",
    endpoint: stsUrl,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: secretAccessKey.reveal() },
  });
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    return { authenticated: true, observed: answer.Arn ?? "an unknown ARN" };
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    return {
      authenticated: false,
      observed: typeof name === "string" ? name : "no answer",
    };
  } finally {
    sts.destroy();
  }
}
