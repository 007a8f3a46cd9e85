import { z } from "zod";
import { pemPrivateKeyCheck } from "../../config/secret-checks.js";
import {
  checkedSecretRefSchema,
  secretRefSchema,
} from "../../config/secret-ref.js";

const httpsOrLocal = z
  .url()
  .transform((url) => url.replace(/\/+$/, ""))
  .refine(
    (url) =>
      url.startsWith("https://") ||
      /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(url),
    { message: "must be https (plain http only for 127.0.0.1/localhost)" },
  );

/** A permission set's API name (`Integration_Admin`) or Id (`0PS…`). */
const permissionSetRef = z
  .string()
  .regex(/^(0PS[A-Za-z0-9]{12}([A-Za-z0-9]{3})?|[A-Za-z][A-Za-z0-9_]*)$/, {
    message: "a permission set API name or a 0PS… Id",
  });

const jwtAuthSchema = z
  .object({
    type: z.literal("jwt"),
    /** The connected app's consumer key: the JWT's `iss`. */
    clientId: z.string().min(1),
    /** The connector's own user, pre-authorised on the app: the JWT's `sub`. */
    username: z.string().min(1),
    /** PEM private key, from a file or an environment variable; never inline. */
    privateKey: checkedSecretRefSchema(pemPrivateKeyCheck),
    /** The JWT's `aud`: login.salesforce.com, test.salesforce.com or a site URL (§2.1). */
    audience: z.string().min(1).default("https://login.salesforce.com"),
  })
  .strict();

const clientCredentialsAuthSchema = z
  .object({
    type: z.literal("client_credentials"),
    clientId: z.string().min(1),
    clientSecret: secretRefSchema,
  })
  .strict();

const actionsSchema = z
  .object({
    /** POST /services/oauth2/revoke with the leaked token itself. */
    revokeToken: z.boolean().default(true),
    /** UserLogin.IsFrozen = true: reversible, and allowed where deactivation is blocked. */
    freezeUser: z.boolean().default(true),
    /** User.IsActive = false: planned as optional; frees the licence. */
    deactivateUser: z.boolean().default(false),
    /**
     * Delete the user's AuthSession rows after the freeze/deactivation. The proof of either
     * always requires none left; turned off, it waits for them to time out (§2.2).
     */
    endSessions: z.boolean().default(true),
    /** Permission sets whose assignment to the user is deleted (scope reduction). */
    removePermissionSets: z.array(permissionSetRef).default([]),
  })
  .strict();

const probeSchema = z
  .object({
    deadlineMs: z.number().int().positive().default(120_000),
    intervalMs: z.number().int().nonnegative().default(5_000),
    /** `invalid` rounds needed in a row before the credential counts as gone. */
    consecutive: z.number().int().min(1).default(2),
    /** A bound besides the clock, so a frozen clock cannot make the probe endless. */
    maxAttempts: z.number().int().min(1).default(60),
    /**
     * Consumer key the leaked refresh token was issued to; default: the connector's own. A refresh
     * grant with another app's key fails whatever the token's state, so set it when they differ.
     */
    refreshTokenClientId: z.string().min(1).optional(),
  })
  .strict();

/** A Salesforce org closeloop may act on, reached through a connected app from the config. */
export const salesforceTargetSchema = z
  .object({
    id: z.string().min(1),
    kind: z.literal("salesforce"),
    /** The org's My Domain URL, e.g. https://acme.my.salesforce.com (§2.1). */
    instanceUrl: httpsOrLocal,
    /** Where /services/oauth2/token and /revoke live; default: instanceUrl. */
    loginUrl: httpsOrLocal.optional(),
    apiVersion: z
      .string()
      .regex(/^\d{2,3}\.0$/, { message: "like 62.0" })
      .default("62.0"),
    auth: z.discriminatedUnion("type", [
      jwtAuthSchema,
      clientCredentialsAuthSchema,
    ]),
    actions: actionsSchema.prefault({}),
    probe: probeSchema.prefault({}),
    /** Re-logins allowed in a row when the API answers 401; jsforce alone would loop (§2.4). */
    maxSessionRefreshes: z.number().int().min(0).max(5).default(1),
  })
  .strict();

export type SalesforceTargetConfig = z.output<typeof salesforceTargetSchema>;
export type SalesforceTargetInput = z.input<typeof salesforceTargetSchema>;

/** The host of the OAuth endpoints (token, revoke). */
export function oauthBaseOf(config: SalesforceTargetConfig): string {
  return config.loginUrl ?? config.instanceUrl;
}
