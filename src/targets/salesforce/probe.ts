import type { SecretValue } from "../../domain/secret.js";
import type { ProbeAnswer, ProbeCheck } from "../types.js";
import { parseJson } from "./auth.js";
import { oauthErrorOf } from "./revoke.js";
import { oauthBaseOf, type SalesforceTargetConfig } from "./schema.js";

export interface TokenProbeDeps {
  config: SalesforceTargetConfig;
  now: () => Date;
  /** Revokes a token the probe itself minted (a refresh grant that still worked). */
  revokeMinted: (accessToken: string) => Promise<void>;
}

/** Salesforce access tokens are `<org Id>!<session>`; refresh tokens have no such prefix. */
export function looksLikeAccessToken(token: SecretValue): boolean {
  return /^00D[A-Za-z0-9]{12,15}!/.test(token.reveal());
}

function check(
  now: () => Date,
  answer: ProbeAnswer,
  observed: string,
): ProbeCheck {
  return {
    name: "salesforce.token",
    answer,
    observed,
    at: now().toISOString(),
  };
}

function hasErrorCode(body: string, code: string): boolean {
  const parsed = parseJson(body);
  const errors = Array.isArray(parsed) ? parsed : [parsed];
  return errors.some(
    (e) =>
      typeof e === "object" &&
      e !== null &&
      (e as { errorCode?: unknown }).errorCode === code,
  );
}

/**
 * Calls the REST API with the leaked access token through plain fetch: no jsforce connection, so
 * nothing can swap in a fresh token on the 401 and make the probe say `valid` (§2.4, §2.5).
 */
async function probeAccessToken(
  deps: TokenProbeDeps,
  token: SecretValue,
): Promise<ProbeCheck> {
  const route = `GET /services/data/v${deps.config.apiVersion}/`;
  const response = await fetch(
    `${deps.config.instanceUrl}/services/data/v${deps.config.apiVersion}/`,
    {
      headers: {
        Authorization: `Bearer ${token.reveal()}`,
        Accept: "application/json",
      },
      redirect: "manual",
    },
  );
  const body = await response.text();
  if (response.status === 200) return check(deps.now, "valid", `${route} 200`);
  if (response.status === 401 && hasErrorCode(body, "INVALID_SESSION_ID")) {
    return check(deps.now, "invalid", `${route} 401 INVALID_SESSION_ID`);
  }
  // 403 REQUEST_LIMIT_EXCEEDED or API disabled, 420, 5xx, HTML: nothing about the token (§2.5).
  return check(deps.now, "indeterminate", `${route} ${response.status}`);
}

/** A refresh grant with the leaked refresh token: 400 invalid_grant means it is dead (§2.5). */
async function probeRefreshToken(
  deps: TokenProbeDeps,
  token: SecretValue,
): Promise<ProbeCheck> {
  const { config } = deps;
  const clientId = config.probe.refreshTokenClientId ?? config.auth.clientId;
  const route = `POST /services/oauth2/token grant_type=refresh_token client_id=${clientId}`;
  const response = await fetch(`${oauthBaseOf(config)}/services/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: token.reveal(),
      client_id: clientId,
    }),
    redirect: "manual",
  });
  const body = await response.text();
  if (response.status === 200) {
    const minted = (parseJson(body) as { access_token?: unknown } | null)
      ?.access_token;
    if (typeof minted === "string") await deps.revokeMinted(minted);
    return check(
      deps.now,
      "valid",
      `${route}: 200, minted access token revoked again`,
    );
  }
  const error = oauthErrorOf(body);
  if (response.status === 400 && error === "invalid_grant") {
    return check(deps.now, "invalid", `${route}: 400 invalid_grant`);
  }
  return check(
    deps.now,
    "indeterminate",
    `${route}: ${response.status} ${error ?? ""}`.trim(),
  );
}

export async function probeToken(
  deps: TokenProbeDeps,
  token: SecretValue | null,
): Promise<ProbeCheck> {
  if (token === null)
    return check(
      deps.now,
      "indeterminate",
      "no token in custody to probe with",
    );
  try {
    return looksLikeAccessToken(token)
      ? await probeAccessToken(deps, token)
      : await probeRefreshToken(deps, token);
  } catch (error) {
    const reason = error instanceof Error ? error.name : "error";
    return check(deps.now, "indeterminate", `network failure (${reason})`);
  }
}
