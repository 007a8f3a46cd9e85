import type { SecretValue } from "../domain/secret.js";
import type { SalesforceState } from "../sandbox/salesforce/index.js";

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
