import { createSign } from "node:crypto";
import { z } from "zod";
import { resolveSecretRef } from "../../config/secret-ref.js";
import { SecretValue } from "../../domain/secret.js";
import { SalesforceTargetError } from "./errors.js";
import { oauthBaseOf, type SalesforceTargetConfig } from "./schema.js";

/** The connector's own session: never the leaked credential. */
export interface AdminSession {
  accessToken: SecretValue;
  instanceUrl: string;
  /** The connector's user Id, read from the identity URL the token endpoint returns. */
  userId: string | null;
}

const tokenSuccessSchema = z.object({
  access_token: z.string().min(1),
  instance_url: z.string().min(1).optional(),
  id: z.string().optional(),
});

const tokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** Base64url of a string or buffer, as JWS wants it. */
function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/** An RS256 JWT for the bearer flow: iss = consumer key, sub = username, aud, exp (§2.1). */
export function signAssertion(
  claims: { iss: string; sub: string; aud: string; exp: number },
  privateKeyPem: SecretValue,
): string {
  const header = base64url(JSON.stringify({ alg: "RS256" }));
  const payload = base64url(JSON.stringify(claims));
  const signer = createSign("RSA-SHA256");
  signer.update(`${header}.${payload}`);
  return `${header}.${payload}.${signer.sign(privateKeyPem.reveal(), "base64url")}`;
}

function grantParams(
  config: SalesforceTargetConfig,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): URLSearchParams {
  const where = `targets.${config.id}.auth`;
  const auth = config.auth;
  if (auth.type === "client_credentials") {
    const secret = resolveSecretRef(
      auth.clientSecret,
      `${where}.clientSecret`,
      env,
    );
    return new URLSearchParams({
      grant_type: "client_credentials",
      client_id: auth.clientId,
      client_secret: secret.reveal(),
    });
  }
  const key = resolveSecretRef(auth.privateKey, `${where}.privateKey`, env);
  const exp = Math.floor(now().getTime() / 1000) + 180;
  return new URLSearchParams({
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    assertion: signAssertion(
      { iss: auth.clientId, sub: auth.username, aud: auth.audience, exp },
      key,
    ),
  });
}

/**
 * Logs the connector in with the JWT bearer or client-credentials flow. A 400 from the token
 * endpoint (`invalid_grant`, `invalid_client`) is a configuration problem and is not retried.
 */
export async function requestAdminSession(
  config: SalesforceTargetConfig,
  env: NodeJS.ProcessEnv,
  now: () => Date,
): Promise<AdminSession> {
  const url = `${oauthBaseOf(config)}/services/oauth2/token`;
  const body = grantParams(config, env, now);
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body,
      redirect: "manual",
    });
  } catch (cause) {
    throw new SalesforceTargetError(
      "SALESFORCE_UNAVAILABLE",
      `target ${config.id}: the token endpoint ${url} cannot be reached`,
      { cause, retryable: true, details: { url } },
    );
  }

  const text = await response.text();
  if (response.ok) {
    const parsed = tokenSuccessSchema.safeParse(parseJson(text));
    if (parsed.success) {
      return {
        accessToken: new SecretValue(parsed.data.access_token),
        instanceUrl: (parsed.data.instance_url ?? config.instanceUrl).replace(
          /\/+$/,
          "",
        ),
        userId:
          /\/(005[A-Za-z0-9]{12,15})$/.exec(parsed.data.id ?? "")?.[1] ?? null,
      };
    }
  }
  const refusal = tokenErrorSchema.safeParse(parseJson(text));
  const reason = refusal.success
    ? `${refusal.data.error} (${refusal.data.error_description ?? "no description"})`
    : `HTTP ${response.status}`;
  const retryable = response.status >= 500;
  throw new SalesforceTargetError(
    retryable ? "SALESFORCE_UNAVAILABLE" : "SALESFORCE_AUTH_FAILED",
    `target ${config.id}: the connector's ${config.auth.type} login was refused: ${reason}; ` +
      "check the connected app, its pre-authorised user and the key or secret in the config",
    {
      retryable,
      details: {
        status: response.status,
        error: refusal.success ? refusal.data.error : null,
      },
    },
  );
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
