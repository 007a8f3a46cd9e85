import type { SetupServer } from "msw/node";
import { SecretValue } from "../../../../src/domain/secret.js";
import { createAwsSimulator } from "../../../../src/sandbox/aws/index.js";
import type {
  AwsSimSeed,
  AwsSimulator,
} from "../../../../src/sandbox/aws/index.js";
import { createAwsIamTarget } from "../../../../src/targets/aws-iam/index.js";
import type { AwsIamTargetInput } from "../../../../src/targets/aws-iam/index.js";
import { silentLogger } from "../../../../src/logging/logger.js";
import type { TargetAdapter } from "../../../../src/targets/types.js";
import { manualClock } from "../harness.js";

export const IAM_URL = "http://127.0.0.1:4599/iam/";
export const STS_URL = "http://127.0.0.1:4599/sts/";
/** AWS's documentation example key: never a real or canary key. */
export const LEAKED_KEY = "AKIAIOSFODNN7EXAMPLE";
export const LEAKED_SECRET = new SecretValue(
  "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
);

/** closeloop's own IAM user: its key signs the connector's calls, so STS knows the account. */
export const CONNECTOR_USER = "closeloop";

const ENV = {
  CL_AWS_KEY: "AKIAI44QH8DHBEXAMPLE",
  CL_AWS_SECRET: "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
};

export function awsConfig(
  extra: Partial<AwsIamTargetInput> = {},
): AwsIamTargetInput {
  return {
    id: "aws-prod",
    kind: "aws-iam",
    credentials: {
      accessKeyId: { env: "CL_AWS_KEY" },
      secretAccessKey: { env: "CL_AWS_SECRET" },
    },
    endpoints: { iam: IAM_URL, sts: STS_URL },
    probe: { consecutiveInvalid: 3, intervalMs: 20_000, deadlineMs: 300_000 },
    ...extra,
  };
}

export interface AwsHarness {
  sim: AwsSimulator;
  target: TargetAdapter;
  clock: ReturnType<typeof manualClock>;
}

export function startAws(
  server: SetupServer,
  seed: AwsSimSeed,
  extra: Partial<AwsIamTargetInput> = {},
  staleAcceptsAfterRevoke = 0,
): AwsHarness {
  const connector = {
    userName: CONNECTOR_USER,
    keys: [{ accessKeyId: ENV.CL_AWS_KEY }],
  };
  const sim = createAwsSimulator({
    iamUrl: IAM_URL,
    stsUrl: STS_URL,
    seed: { ...seed, users: [...(seed.users ?? []), connector] },
    staleAcceptsAfterRevoke,
  });
  server.use(...sim.handlers());
  const clock = manualClock();
  const target = createAwsIamTarget(awsConfig(extra), {
    logger: silentLogger,
    env: ENV,
    now: clock.now,
    sleep: clock.sleep,
  });
  return { sim, target, clock };
}
