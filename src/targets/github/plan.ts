import { InputError } from "../../domain/errors.js";
import type { Finding } from "../../domain/finding.js";
import type { Identity } from "../../domain/identity.js";
import type { PlannedAction } from "../../domain/plan.js";
import type { GithubTargetConfig } from "./schema.js";

export const GITHUB_ACTIONS = {
  revokeCredential: "github.revoke-credential",
  deleteInstallationToken: "github.delete-installation-token",
  deleteDeployKey: "github.delete-deploy-key",
  resolveAlert: "github.resolve-alert",
} as const;

const TOKEN_PREFIXES = ["github_pat_", "ghp_", "gho_", "ghu_", "ghr_", "ghs_"];
const ALERT_URL =
  /([\w.-]+)\/([\w.-]+)\/(?:security\/)?secret-scanning(?:\/alerts)?\/(\d+)/;

/** The token prefix a finding speaks of, from the hint or the masked preview. */
export function tokenPrefixOf(finding: Finding): string {
  const hint = finding.hints.githubTokenType?.replace(/_?$/, "_");
  const known = TOKEN_PREFIXES.find(
    (p) =>
      p === hint ||
      finding.preview.startsWith(p) ||
      p.startsWith(finding.preview.slice(0, 4)),
  );
  return known ?? "ghp_";
}

function alertOf(
  finding: Finding,
): { repository: string; alertNumber: number } | null {
  for (const location of finding.locations) {
    const match = ALERT_URL.exec(location.url ?? location.resource ?? "");
    if (match !== null) {
      return {
        repository: `${match[1]}/${match[2]}`,
        alertNumber: Number(match[3]),
      };
    }
  }
  return null;
}

function credentialAction(
  prefix: string,
  principal: string,
): Omit<PlannedAction, "id"> {
  if (prefix === "ghs_") {
    return {
      kind: GITHUB_ACTIONS.deleteInstallationToken,
      summary:
        "DELETE /installation/token, authenticated with the leaked ghs_ token " +
        `of ${principal}`,
      impact:
        "The app installation token stops working; the app mints a new one on its next run.",
      verification:
        "GET /installation/repositories with the token answers 401 Bad credentials.",
      undo: null,
      optional: false,
      params: { tokenPrefix: prefix },
      usesLeakedSecret: true,
    };
  }
  return {
    kind: GITHUB_ACTIONS.revokeCredential,
    summary:
      "POST /credentials/revoke without authentication, " +
      `for the leaked ${prefix} token of ${principal}`,
    impact:
      "Every use of the token fails from now on; GitHub notifies its owner, who must create a " +
      "new token. Cannot be undone: GitHub never reactivates a revoked credential.",
    verification:
      "GET /user with the token answers 401 Bad credentials, twice in a row.",
    undo: null,
    optional: false,
    params: { tokenPrefix: prefix },
    usesLeakedSecret: true,
  };
}

/** Token revocation or deploy-key deletion, then the secret-scanning alert resolved as revoked. */
export function planGithub(
  config: GithubTargetConfig,
  identity: Identity,
  finding: Finding,
): PlannedAction[] {
  const steps: Omit<PlannedAction, "id">[] = [];
  const deployKey = /^deploy-key[:/](\d+)$/.exec(identity.principal);
  if (deployKey !== null) {
    const repository = finding.hints.githubRepository;
    if (repository === undefined) {
      throw new InputError(
        "GITHUB_REPOSITORY_UNKNOWN",
        `target ${config.id}: deploy key ${deployKey[1]} needs the finding's repository hint`,
        { details: { targetId: config.id } },
      );
    }
    steps.push({
      kind: GITHUB_ACTIONS.deleteDeployKey,
      summary: `DELETE /repos/${repository}/keys/${deployKey[1]} (deploy key)`,
      impact: `The SSH key can no longer read or write ${repository}; deployments using it fail.`,
      verification: `GET /repos/${repository}/keys/${deployKey[1]} answers 404.`,
      undo:
        `Manual: POST /repos/${repository}/keys with the public key recorded in this action's ` +
        "evidence (detail.publicKey); the private key then works again.",
      optional: false,
      params: { repository, keyId: Number(deployKey[1]) },
    });
  } else {
    steps.push(credentialAction(tokenPrefixOf(finding), identity.principal));
  }

  const alert = config.resolveAlerts ? alertOf(finding) : null;
  if (alert !== null) {
    const path = `/repos/${alert.repository}/secret-scanning/alerts/${alert.alertNumber}`;
    steps.push({
      kind: GITHUB_ACTIONS.resolveAlert,
      summary: `PATCH ${path} state=resolved resolution=revoked, with a comment naming the change`,
      impact: "None on the credential; the alert leaves the open list.",
      verification: `GET ${path} reads validity inactive, where GitHub reports validity.`,
      undo: `PATCH ${path} state=open (the resolution comment stays: GitHub cannot delete it).`,
      optional: true,
      params: { repository: alert.repository, alertNumber: alert.alertNumber },
    });
  }
  return steps.map((step, index) => ({ id: `a${index + 1}`, ...step }));
}
