import type { PlannedAction } from "../../domain/plan.js";
import type { SecretValue } from "../../domain/secret.js";
import type { ProbeAnswer, ProbeCheck } from "../types.js";
import { readGithubFailure, type GithubClients } from "./client.js";
import { GITHUB_ACTIONS } from "./plan.js";

export interface GithubProbeDeps {
  clients: GithubClients;
  now: () => Date;
}

function check(
  deps: GithubProbeDeps,
  name: string,
  answer: ProbeAnswer,
  observed: string,
): ProbeCheck {
  return { name, answer, observed, at: deps.now().toISOString() };
}

/**
 * The token authenticates or not: 401 is `invalid`, 200 `valid`; 403 (SSO, rate limits), 5xx and
 * network failures prove nothing (targets.md §4.4). `ghs_` tokens cannot call `/user`.
 */
export async function probeToken(
  deps: GithubProbeDeps,
  token: SecretValue | null,
  installation: boolean,
): Promise<ProbeCheck> {
  const route = installation ? "GET /installation/repositories" : "GET /user";
  if (token === null)
    return check(deps, "github.token", "indeterminate", "no secret in custody");
  try {
    await deps.clients.withToken(token).request(route);
    return check(deps, "github.token", "valid", `${route} 200`);
  } catch (error) {
    const failure = readGithubFailure(error);
    const answer = failure.status === 401 ? "invalid" : "indeterminate";
    return check(
      deps,
      "github.token",
      answer,
      `${route} ${failure.status ?? "network"} ${failure.message}`,
    );
  }
}

export async function probeDeployKey(
  deps: GithubProbeDeps,
  action: PlannedAction,
): Promise<ProbeCheck> {
  const [owner = "", repo = ""] = String(action.params.repository).split("/");
  const keyId = Number(action.params.keyId);
  try {
    await deps.clients.admin.rest.repos.getDeployKey({
      owner,
      repo,
      key_id: keyId,
    });
    return check(deps, "github.deploy-key", "valid", `key ${keyId} present`);
  } catch (error) {
    const failure = readGithubFailure(error);
    const answer = failure.status === 404 ? "invalid" : "indeterminate";
    return check(
      deps,
      "github.deploy-key",
      answer,
      `GET key ${keyId}: ${failure.status ?? "network"}`,
    );
  }
}

/**
 * The alert's `validity`, GitHub's own check. `unknown` (or no validity at all) is returned as
 * null: it is reported in the note, not counted, since many secret types are never checked.
 */
export async function probeAlertValidity(
  deps: GithubProbeDeps,
  action: PlannedAction,
): Promise<ProbeCheck | null> {
  const [owner = "", repo = ""] = String(action.params.repository).split("/");
  const alertNumber = Number(action.params.alertNumber);
  try {
    const alert = (
      await deps.clients.admin.rest.secretScanning.getAlert({
        owner,
        repo,
        alert_number: alertNumber,
      })
    ).data;
    if (alert.validity === "inactive")
      return check(
        deps,
        "github.alert-validity",
        "invalid",
        "validity inactive",
      );
    if (alert.validity === "active")
      return check(deps, "github.alert-validity", "valid", "validity active");
    return null;
  } catch (error) {
    const failure = readGithubFailure(error);
    return check(
      deps,
      "github.alert-validity",
      "indeterminate",
      `GET alert: ${failure.status ?? "network"}`,
    );
  }
}

export function isTokenAction(action: PlannedAction): boolean {
  return (
    action.kind === GITHUB_ACTIONS.revokeCredential ||
    action.kind === GITHUB_ACTIONS.deleteInstallationToken
  );
}
