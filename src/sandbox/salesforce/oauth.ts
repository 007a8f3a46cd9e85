import { createVerify } from "node:crypto";
import { oauthError, jsonResponse, revokeError } from "./responses.js";
import type { SalesforceState, SfApp } from "./state.js";
import type { SalesforceFaults } from "./faults.js";

export interface OAuthContext {
  state: SalesforceState;
  faults: SalesforceFaults;
  origin: string;
  now: () => Date;
}

function tokenBody(
  ctx: OAuthContext,
  userId: string,
  accessToken: string,
): Response {
  return jsonResponse({
    access_token: accessToken,
    signature: "c2FuZGJveA==",
    scope: "api",
    instance_url: ctx.origin,
    id: `${ctx.origin}/id/${ctx.state.orgId}/${userId}`,
    token_type: "Bearer",
    issued_at: String(ctx.now().getTime()),
  });
}

/** The JWT bearer assertion: RS256 over the app's certificate, iss, sub pre-authorised, exp. */
function userFromAssertion(
  ctx: OAuthContext,
  assertion: string,
): [SfApp, string] | string {
  const [header = "", payload = "", signature = ""] = assertion.split(".");
  let claims: { iss?: unknown; sub?: unknown; exp?: unknown };
  try {
    claims = JSON.parse(
      Buffer.from(payload, "base64url").toString("utf8"),
    ) as typeof claims;
  } catch {
    return "invalid assertion";
  }
  const app = ctx.state.apps.find((a) => a.clientId === claims.iss);
  if (app?.publicKeyPem === undefined) return "invalid client credentials";
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKeyPem, signature, "base64url"))
    return "invalid assertion";
  if (
    typeof claims.exp !== "number" ||
    claims.exp * 1000 < ctx.now().getTime()
  ) {
    return "expired authorization code";
  }
  const username = String(claims.sub);
  if (!(app.preAuthorized ?? []).includes(username)) {
    return "user hasn't approved this consumer";
  }
  return [app, username];
}

/** POST /services/oauth2/token: JWT bearer, client credentials, refresh token (§2.1, §2.5). */
export function handleToken(
  ctx: OAuthContext,
  form: URLSearchParams,
): Response {
  if (ctx.faults.tokenEndpointRefuses) {
    return oauthError("invalid_grant", "authentication failure");
  }
  const grant = form.get("grant_type");
  let app: SfApp | undefined;
  let username: string | undefined;
  let parent: string | undefined;

  if (grant === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
    const found = userFromAssertion(ctx, form.get("assertion") ?? "");
    if (typeof found === "string") return oauthError("invalid_grant", found);
    [app, username] = found;
  } else if (grant === "client_credentials") {
    app = ctx.state.apps.find((a) => a.clientId === form.get("client_id"));
    if (app === undefined || app.clientSecret !== form.get("client_secret")) {
      return oauthError("invalid_client", "invalid client credentials");
    }
    username = app.runAsUsername;
    if (username === undefined) {
      return oauthError("invalid_grant", "no client credentials user enabled");
    }
  } else if (grant === "refresh_token") {
    parent = form.get("refresh_token") ?? "";
    const token = ctx.state.tokens.get(parent);
    if (
      token?.kind !== "refresh" ||
      token.revoked ||
      token.clientId !== form.get("client_id")
    ) {
      return oauthError("invalid_grant", "expired access/refresh token");
    }
    app = ctx.state.apps.find((a) => a.clientId === token.clientId);
    username = ctx.state.users.get(token.userId)?.Username;
  } else {
    return oauthError("unsupported_grant_type", "grant type not supported");
  }

  const user =
    username === undefined ? undefined : ctx.state.userByName(username);
  const frozen =
    user === undefined ? true : ctx.state.loginOf(user.Id)?.IsFrozen === true;
  if (app === undefined || user === undefined || !user.IsActive || frozen) {
    return oauthError("invalid_grant", "inactive user");
  }
  return tokenBody(
    ctx,
    user.Id,
    ctx.state.issueAccessToken(user.Id, app.clientId, parent),
  );
}

/** POST /services/oauth2/revoke: 200 empty, or a form-encoded 400 (§2.2). */
export function handleRevoke(
  ctx: OAuthContext,
  form: URLSearchParams,
): Response {
  const token = form.get("token");
  if (token === null || token === "") {
    return revokeError(
      "unsupported_token_type",
      "this token type is not supported",
    );
  }
  if (ctx.faults.ignoreRevoke) return new Response(null, { status: 200 });
  if (!ctx.state.revoke(token))
    return revokeError("invalid_token", "invalid token");
  return new Response(null, { status: 200 });
}
