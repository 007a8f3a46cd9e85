import type { PlannedAction } from "../../domain/plan.js";
import { startAction, stringParam } from "../guard/action-result.js";
import type { ActionResult, TargetContext } from "../types.js";
import { statusOf, toGithubError, type GithubClients } from "./client.js";

export interface GithubActionDeps {
  clients: GithubClients;
  now: () => Date;
}

function noSecret(action: PlannedAction, deps: GithubActionDeps): ActionResult {
  return startAction(
    action,
    deps.now,
  )({
    outcome: "failed",
    resultCode: "SECRET_NOT_IN_CUSTODY",
    requestSummary: action.summary,
    error: {
      code: "SECRET_NOT_IN_CUSTODY",
      message:
        "revoking a GitHub token needs the token itself; none was kept in custody",
    },
  });
}

/**
 * `POST /credentials/revoke`, anonymously. GitHub answers 202 with no per-token result, so the
 * token is probed first: one that already fails authentication is ALREADY_REVOKED (§4.2, §4.6).
 */
export async function revokeCredential(
  action: PlannedAction,
  ctx: TargetContext,
  deps: GithubActionDeps,
): Promise<ActionResult> {
  if (ctx.secret === null) return noSecret(action, deps);
  const finish = startAction(action, deps.now);
  const summary = "POST /credentials/revoke (anonymous, 1 credential)";

  try {
    await deps.clients.withToken(ctx.secret).request("GET /user");
  } catch (error) {
    if (statusOf(error) === 401) {
      return finish({
        outcome: "already_done",
        resultCode: "ALREADY_REVOKED",
        requestSummary: "GET /user",
      });
    }
  }

  try {
    const answer = await deps.clients.anonymous.request(
      "POST /credentials/revoke",
      {
        credentials: [ctx.secret.reveal()],
      },
    );
    return finish({
      outcome: "done",
      resultCode: "REVOCATION_ACCEPTED",
      requestSummary: summary,
      responseIds: requestIdOf(answer.headers),
      detail: { status: answer.status },
    });
  } catch (error) {
    throw toGithubError(error, "POST /credentials/revoke");
  }
}

/** `DELETE /installation/token` with the token itself; a 401 means it is already dead (§4.6). */
export async function deleteInstallationToken(
  action: PlannedAction,
  ctx: TargetContext,
  deps: GithubActionDeps,
): Promise<ActionResult> {
  if (ctx.secret === null) return noSecret(action, deps);
  const finish = startAction(action, deps.now);
  const summary =
    "DELETE /installation/token (authenticated with the leaked token)";
  try {
    const answer = await deps.clients
      .withToken(ctx.secret)
      .request("DELETE /installation/token");
    return finish({
      outcome: "done",
      resultCode: "TOKEN_DELETED",
      requestSummary: summary,
      responseIds: requestIdOf(answer.headers),
    });
  } catch (error) {
    if (statusOf(error) === 401) {
      return finish({
        outcome: "already_done",
        resultCode: "ALREADY_REVOKED",
        requestSummary: summary,
      });
    }
    throw toGithubError(error, "DELETE /installation/token");
  }
}

function repoParts(action: PlannedAction): { owner: string; repo: string } {
  const [owner = "", repo = ""] = stringParam(action, "repository").split("/");
  return { owner, repo };
}

/** Deletes a deploy key, keeping its public half in the result so a person can re-add it. */
export async function deleteDeployKey(
  action: PlannedAction,
  deps: GithubActionDeps,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const { owner, repo } = repoParts(action);
  const keyId = Number(action.params.keyId);
  const summary = `DELETE /repos/${owner}/${repo}/keys/${keyId}`;
  const admin = deps.clients.admin;

  let publicKey;
  try {
    publicKey = (
      await admin.rest.repos.getDeployKey({ owner, repo, key_id: keyId })
    ).data;
  } catch (error) {
    if (statusOf(error) !== 404) throw toGithubError(error, "GET deploy key");
    return finish({
      outcome: "already_done",
      resultCode: "ALREADY_DELETED",
      requestSummary: summary,
    });
  }

  try {
    const answer = await admin.rest.repos.deleteDeployKey({
      owner,
      repo,
      key_id: keyId,
    });
    return finish({
      outcome: "done",
      resultCode: "DEPLOY_KEY_DELETED",
      requestSummary: summary,
      responseIds: requestIdOf(answer.headers),
      detail: {
        publicKey: publicKey.key,
        title: publicKey.title,
        readOnly: publicKey.read_only,
      },
    });
  } catch (error) {
    if (statusOf(error) === 404) {
      return finish({
        outcome: "already_done",
        resultCode: "ALREADY_DELETED",
        requestSummary: summary,
      });
    }
    throw toGithubError(error, "DELETE deploy key");
  }
}

/**
 * Resolves (or, on undo, reopens) the secret-scanning alert. The same PATCH twice answers 400
 * "not changed", so the alert is read first (§4.2).
 */
export async function setAlertState(
  action: PlannedAction,
  ctx: TargetContext,
  deps: GithubActionDeps,
  want: "resolved" | "open",
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const { owner, repo } = repoParts(action);
  const alertNumber = Number(action.params.alertNumber);
  const path = `/repos/${owner}/${repo}/secret-scanning/alerts/${alertNumber}`;
  const summary = `PATCH ${path} state=${want}`;
  const admin = deps.clients.admin;
  const ref = { owner, repo, alert_number: alertNumber };

  try {
    const current = (await admin.rest.secretScanning.getAlert(ref)).data;
    if (current.state === want) {
      return finish({
        outcome: "already_done",
        resultCode:
          want === "open" ? "ALERT_ALREADY_OPEN" : "ALERT_ALREADY_RESOLVED",
        requestSummary: summary,
      });
    }
    const answer = await admin.rest.secretScanning.updateAlert({
      ...ref,
      state: want,
      ...(want === "resolved"
        ? {
            resolution: "revoked" as const,
            resolution_comment: alertComment(
              ctx.changeRef,
              ctx.finding.fingerprint,
            ),
          }
        : {}),
    });
    return finish({
      outcome: "done",
      resultCode: want === "open" ? "ALERT_REOPENED" : "ALERT_RESOLVED",
      requestSummary: summary,
      responseIds: requestIdOf(answer.headers),
      detail: { validity: answer.data.validity ?? null },
    });
  } catch (error) {
    throw toGithubError(error, "secret-scanning alert");
  }
}

/** The comment GitHub keeps for good (it cannot be edited): the change, and the finding. */
function alertComment(
  changeRef: TargetContext["changeRef"],
  fingerprint: string,
): string {
  const link = changeRef?.url === undefined ? "" : ` (${changeRef.url})`;
  const change =
    changeRef === undefined ? "" : ` under change ${changeRef.key}${link}`;
  return `closeloop revoked this credential${change} (finding ${fingerprint.slice(0, 12)})`;
}

function requestIdOf(headers: Record<string, unknown>): string[] {
  const id = headers["x-github-request-id"];
  return typeof id === "string" ? [id] : [];
}
