import { generateKeyPairSync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SetupServer } from "msw/node";
import type { Logger, LogFields } from "../../../../src/logging/logger.js";
import {
  SalesforceSimulator,
  salesforceHandlers,
  type SalesforceSimSeed,
} from "../../../../src/sandbox/salesforce/index.js";
import {
  createSalesforceTarget,
  type SalesforceTargetInput,
} from "../../../../src/targets/salesforce/index.js";
import { makeFinding, makeIdentity, manualClock } from "../harness.js";
import { scratchDir } from "../../../helpers/scratch-dir.js";

export const BASE = "http://127.0.0.1:4599";
export const CLIENT_ID = "3MVG9SimulatedConsumerKeyForClosel00p";
export const CONNECTOR = "closeloop@acme.example";
export const LEAKY = "integration@acme.example";

// One RSA pair for the whole file: the connector signs with the private half (from a file ref).
const keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
export const PRIVATE_KEY_PEM = keys.privateKey
  .export({ type: "pkcs8", format: "pem" })
  .toString();
const keyDir = scratchDir("closeloop-sf-");
export const PRIVATE_KEY_FILE = join(keyDir, "connector.key");
writeFileSync(PRIVATE_KEY_FILE, PRIVATE_KEY_PEM, { mode: 0o600 });

export function seed(
  overrides: Partial<SalesforceSimSeed> = {},
): SalesforceSimSeed {
  return {
    apps: [
      {
        clientId: CLIENT_ID,
        publicKeyPem: keys.publicKey
          .export({ type: "spki", format: "pem" })
          .toString(),
        preAuthorized: [CONNECTOR],
      },
    ],
    permissionSets: [
      { name: "Integration_Admin" },
      { name: "Read_Accounts" },
      { name: "X00ex00000018ozh_128_09_04_12_2", ownedByProfile: true },
    ],
    users: [
      { username: CONNECTOR },
      {
        username: LEAKY,
        permissionSets: [
          "Integration_Admin",
          "Read_Accounts",
          "X00ex00000018ozh_128_09_04_12_2",
        ],
      },
    ],
    ...overrides,
  };
}

/** A logger that keeps every line, so tests can look for leaked secrets in it. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (base: LogFields): Logger => {
    const log =
      (level: string) =>
      (event: string, fields: LogFields = {}) => {
        lines.push(JSON.stringify({ level, event, ...base, ...fields }));
      };
    return {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return Object.assign(make({}), { lines });
}

export function startOrg(
  server: SetupServer,
  options: {
    seed?: SalesforceSimSeed;
    config?: Partial<SalesforceTargetInput>;
  } = {},
) {
  const clock = manualClock();
  const sim = new SalesforceSimulator({
    seed: options.seed ?? seed(),
    now: clock.now,
  });
  server.use(...salesforceHandlers(sim, BASE));
  const logger = recordingLogger();
  const target = createSalesforceTarget(
    {
      id: "sf-prod",
      kind: "salesforce",
      instanceUrl: BASE,
      auth: {
        type: "jwt",
        clientId: CLIENT_ID,
        username: CONNECTOR,
        privateKey: { file: PRIVATE_KEY_FILE },
      },
      actions: {
        deactivateUser: true,
        removePermissionSets: ["Integration_Admin"],
      },
      probe: { deadlineMs: 30_000, intervalMs: 5_000, consecutive: 2 },
      ...options.config,
    },
    { logger, env: {}, now: clock.now, sleep: clock.sleep },
  );
  const leaky = sim.state.userByName(LEAKY);
  if (leaky === undefined) throw new Error("seed has no leaky user");
  return { sim, target, logger, clock, leaky };
}

export const finding = makeFinding({
  detector: "salesforce-access-token",
  title: "Salesforce access token in CI log",
  preview: "00D5********wxyz",
  hints: { salesforceUser: LEAKY },
});
export const identity = makeIdentity("sf-prod", "salesforce", LEAKY);
