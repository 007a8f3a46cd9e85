import axios from "axios";
import { z } from "zod";
import { resolveSecretRef } from "../../config/secret-ref.js";
import type { SecretValue } from "../../domain/secret.js";
import { ItsmError, countingAdapter } from "../http/index.js";
import type { RequestReport } from "../http/index.js";
import type { ServiceNowInstanceConfig } from "./config.js";

/** Gives the Authorization header for the next request; never logs or returns the secret. */
export interface AuthProvider {
  header(): Promise<string>;
  /** After a 401: the next header fetches a new token. */
  invalidate(): void;
}

const tokenSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
});

/**
 * Secrets are resolved now, so a missing variable stops start-up with its config path. Token
 * requests go to the instance too: `onRequest` counts them with the rest.
 */
export function createAuthProvider(
  config: ServiceNowInstanceConfig,
  env: NodeJS.ProcessEnv,
  now: () => Date,
  onRequest?: RequestReport,
): AuthProvider {
  const where = `itsm.${config.id}.auth`;
  const auth = config.auth;
  if (auth.type === "basic") {
    const password = resolveSecretRef(auth.password, `${where}.password`, env);
    const encoded = Buffer.from(`${auth.user}:${password.reveal()}`).toString(
      "base64",
    );
    return {
      header: () => Promise.resolve(`Basic ${encoded}`),
      invalidate: () => undefined,
    };
  }

  const clientSecret = resolveSecretRef(
    auth.clientSecret,
    `${where}.clientSecret`,
    env,
  );
  const password: SecretValue | undefined =
    auth.password === undefined
      ? undefined
      : resolveSecretRef(auth.password, `${where}.password`, env);
  const tokenUrl =
    auth.tokenUrl ?? `${config.baseUrl.replace(/\/+$/, "")}/oauth_token.do`;
  let token: { value: string; refreshAt: number } | null = null;

  const fetchToken = async (): Promise<string> => {
    const form = new URLSearchParams({
      client_id: auth.clientId,
      client_secret: clientSecret.reveal(),
    });
    if (auth.user !== undefined && password !== undefined) {
      form.set("grant_type", "password");
      form.set("username", auth.user);
      form.set("password", password.reveal());
    } else {
      form.set("grant_type", "client_credentials");
    }
    const response = await axios.post(tokenUrl, form.toString(), {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      validateStatus: () => true,
      timeout: 30_000,
      ...(onRequest === undefined
        ? {}
        : { adapter: countingAdapter(onRequest) }),
    });
    const parsed = tokenSchema.safeParse(response.data);
    if (response.status !== 200 || !parsed.success) {
      throw new ItsmError(
        "AUTH_FAILED",
        `OAuth token request answered ${response.status}`,
        {
          status: response.status,
          details: { tokenUrl },
        },
      );
    }
    // Refresh a minute early (reference §6).
    const refreshAt = now().getTime() + (parsed.data.expires_in - 60) * 1000;
    token = { value: parsed.data.access_token, refreshAt };
    return token.value;
  };

  return {
    header: async () => {
      const valid = token !== null && token.refreshAt > now().getTime();
      const value = valid && token !== null ? token.value : await fetchToken();
      return `Bearer ${value}`;
    },
    invalidate: () => {
      token = null;
    },
  };
}
