import type { PlannedAction } from "../../domain/plan.js";
import type { SecretValue } from "../../domain/secret.js";
import { startAction } from "../guard/action-result.js";
import type { ActionResult, TargetContext } from "../types.js";
import { parseJson } from "./auth.js";
import { SalesforceTargetError } from "./errors.js";
import { oauthBaseOf, type SalesforceTargetConfig } from "./schema.js";

/**
 * The revoke endpoint's 400 body is form-encoded (`error=invalid_token&error_description=…`), not
 * JSON (§2.2, omniphx/forrest #213); read either.
 */
export function oauthErrorOf(body: string): string | null {
  const json = parseJson(body) as { error?: unknown } | null;
  if (json !== null && typeof json.error === "string") return json.error;
  return new URLSearchParams(body).get("error");
}

/**
 * POSTs the leaked token (the string itself, §2.6) to /services/oauth2/revoke. 200 is done; 400
 * `invalid_token` means it is already dead, which the probe then confirms (§2.2).
 */
export async function revokeToken(
  config: SalesforceTargetConfig,
  action: PlannedAction,
  ctx: TargetContext,
  now: () => Date,
): Promise<ActionResult> {
  const finish = startAction(action, now);
  const url = `${oauthBaseOf(config)}/services/oauth2/revoke`;
  const requestSummary = `POST ${url} token=<the leaked token, not recorded>`;
  if (ctx.secret === null) {
    return finish({
      outcome: "failed",
      resultCode: "SECRET_NOT_IN_CUSTODY",
      requestSummary: "none",
      error: {
        code: "SECRET_NOT_IN_CUSTODY",
        message:
          "revoking a Salesforce token needs the token itself; none was kept in custody",
      },
    });
  }

  const answer = await postRevoke(config, ctx.secret, ctx.signal);
  const detail = { status: answer.status };
  const error = answer.error;
  if (answer.status === 200) {
    return finish({
      outcome: "done",
      resultCode: "TOKEN_REVOKED",
      requestSummary,
      detail,
    });
  }
  if (answer.status === 400 && error === "invalid_token") {
    return finish({
      outcome: "already_done",
      resultCode: "ALREADY_REVOKED",
      requestSummary,
      detail: { ...detail, error },
    });
  }
  if (answer.status >= 500 || answer.status === 420) {
    throw new SalesforceTargetError(
      "SALESFORCE_UNAVAILABLE",
      `target ${config.id}: the revoke endpoint answered ${answer.status}`,
      { retryable: true, details: detail },
    );
  }
  // 3xx: an old host redirecting to the instance (§2.2); the config should name My Domain.
  const code = error ?? `HTTP_${answer.status}`;
  return finish({
    outcome: "failed",
    resultCode: `REVOKE_${code.toUpperCase()}`,
    requestSummary,
    detail: { ...detail, error: code },
    error: {
      code,
      message:
        answer.status >= 300 && answer.status < 400
          ? `the revoke endpoint redirected (${answer.status}); set loginUrl to the org's My Domain`
          : `the revoke endpoint refused the token: ${code}`,
    },
  });
}

/** One POST to the revoke endpoint: its status and OAuth `error`, never the token. */
export async function postRevoke(
  config: SalesforceTargetConfig,
  token: SecretValue,
  signal?: AbortSignal,
): Promise<{ status: number; error: string | null }> {
  const url = `${oauthBaseOf(config)}/services/oauth2/revoke`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: token.reveal() }),
      redirect: "manual",
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (cause) {
    throw new SalesforceTargetError(
      "SALESFORCE_UNAVAILABLE",
      `target ${config.id}: the revoke endpoint ${url} cannot be reached`,
      { cause, retryable: true, details: { url } },
    );
  }
  const body = await response.text();
  return {
    status: response.status,
    error: response.ok ? null : oauthErrorOf(body),
  };
}
