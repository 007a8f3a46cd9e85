import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SecretValue } from "../domain/secret.js";
import type { IngestRecord } from "../ingest/index.js";
import type { SalesforceState } from "../sandbox/salesforce/index.js";

const INSTANCE_SETTING = "SF_INSTANCE_URL";
const USER_SETTING = "SF_USERNAME";

/**
 * The org and user a leaked Salesforce token belongs to, read from the settings file it was found
 * in. TruffleHog's report names neither, and ingest does not read a leak's surroundings yet, so
 * without these hints no Salesforce target could claim the finding. Only named settings are read;
 * the token itself is not touched here.
 */
export function addSalesforceHints(
  record: IngestRecord,
  projectDir: string,
): IngestRecord {
  const file = record.finding.locations.find((l) => l.file)?.file;
  if (file === undefined) return record;
  const settings = readSettings(join(projectDir, file));
  const url = settings.get(INSTANCE_SETTING);
  const user = settings.get(USER_SETTING);
  const hints = {
    ...record.finding.hints,
    ...(url === undefined ? {} : { salesforceInstance: new URL(url).host }),
    ...(user === undefined ? {} : { salesforceUser: user }),
  };
  return { ...record, finding: { ...record.finding, hints } };
}

function readSettings(path: string): Map<string, string> {
  const settings = new Map<string, string>();
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] === INSTANCE_SETTING || match?.[1] === USER_SETTING) {
      settings.set(match[1], (match[2] ?? "").trim());
    }
  }
  return settings;
}

/**
 * Makes the sample's leaked value a live access token of `username` in the simulated org, with
 * the OAuth session behind it, as if the job had logged in through `clientId` this morning.
 */
export function plantAccessToken(
  state: SalesforceState,
  username: string,
  clientId: string,
  token: SecretValue,
): void {
  const user = state.userByName(username);
  if (user === undefined)
    throw new Error(`sandbox org has no user ${username}`);
  const value = token.reveal();
  state.tokens.set(value, {
    kind: "access",
    userId: user.Id,
    clientId,
    revoked: false,
  });
  const Id = state.newId("0Ak");
  state.sessions.set(Id, {
    Id,
    UsersId: user.Id,
    SessionType: "Oauth2",
    LoginType: "Remote Access 2.0",
    token: value,
  });
}

/**
 * The REST API called with the leaked token, as whoever found it would try it: the proof the
 * demo shows beside closeloop's own probe.
 */
export async function salesforceTokenOutcome(
  instanceUrl: string,
  token: SecretValue,
): Promise<{ authenticated: boolean; observed: string }> {
  const response = await fetch(`${instanceUrl}/services/data/v62.0/`, {
    headers: { authorization: `Bearer ${token.reveal()}` },
    signal: AbortSignal.timeout(10_000),
  });
  const body: unknown = await response.json().catch(() => null);
  const code = Array.isArray(body)
    ? (body[0] as { errorCode?: unknown } | undefined)?.errorCode
    : undefined;
  return {
    authenticated: response.ok,
    observed: `${response.status}${typeof code === "string" ? ` ${code}` : ""}`,
  };
}
