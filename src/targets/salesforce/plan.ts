import type { Finding } from "../../domain/finding.js";
import type { PlannedAction } from "../../domain/plan.js";
import { oauthBaseOf, type SalesforceTargetConfig } from "./schema.js";

export const SALESFORCE_ACTIONS = {
  revokeToken: "salesforce.revoke-token",
  freezeUser: "salesforce.freeze-user",
  deactivateUser: "salesforce.deactivate-user",
  endSessions: "salesforce.end-sessions",
  removePermissionSets: "salesforce.remove-permission-sets",
} as const;

type Draft = Omit<PlannedAction, "id" | "params"> & {
  params?: PlannedAction["params"];
};

/** Refresh tokens kill their access tokens too when revoked (§2.2); say which one leaked. */
export function tokenKindOf(finding: Finding): "access" | "refresh" {
  const refresh =
    /refresh/i.test(finding.detector) || finding.preview.startsWith("5Aep");
  return refresh ? "refresh" : "access";
}

/**
 * What the proof of a freeze or deactivation also reads: the user's AuthSession rows. Freezing
 * does not end open sessions (§2.2 "Propagation"), so a user that reads back frozen while one is
 * left is not proof. Without the end-sessions step the proof can only wait for them to time out.
 */
function sessionProof(config: SalesforceTargetConfig): string {
  const rows =
    "and SELECT Id FROM AuthSession WHERE UsersId = the user returns no rows";
  if (config.actions.endSessions) {
    return `${rows} (the end-sessions step below deletes them).`;
  }
  const seconds = Math.round(config.probe.deadlineMs / 1000);
  return (
    `${rows}. This plan does not end sessions (actions.endSessions is off): the proof waits ` +
    "until the user's open sessions time out, and the change stays open with the proof " +
    `not given if one outlives the probe's ${seconds} s deadline.`
  );
}

/**
 * Revoke, freeze, deactivate, end sessions, narrow: in that order, so the user cannot log back in
 * between the session deletion and the freeze (§2.2 "Propagation"). Each line names the call, the
 * user and the org, for a change manager.
 */
export function planSalesforceActions(
  config: SalesforceTargetConfig,
  principal: string,
  finding: Finding,
): PlannedAction[] {
  const who = `user ${principal} in ${config.id} (${config.instanceUrl})`;
  const api = `/services/data/v${config.apiVersion}`;
  const selected = config.actions;
  const drafts: Draft[] = [];

  if (selected.revokeToken) {
    const kind = tokenKindOf(finding);
    drafts.push({
      kind: SALESFORCE_ACTIONS.revokeToken,
      summary:
        `POST ${oauthBaseOf(config)}/services/oauth2/revoke with the leaked ${kind} token ` +
        `(${finding.preview}) of ${who}`,
      impact:
        kind === "refresh"
          ? "The refresh token and every access token minted from it stop working at once; " +
            "the integration must be authorised again to get a new one."
          : "That access token stops working at once; other sessions of the user are untouched " +
            "by this step.",
      verification:
        kind === "refresh"
          ? "A refresh grant with the token answers 400 invalid_grant."
          : `GET ${api}/ with the token, sent without any automatic refresh, answers ` +
            "401 INVALID_SESSION_ID.",
      undo: null,
      optional: false,
      params: { tokenKind: kind },
      usesLeakedSecret: true,
    });
  }
  if (selected.freezeUser) {
    drafts.push({
      kind: SALESFORCE_ACTIONS.freezeUser,
      summary: `PATCH ${api}/sobjects/UserLogin/{Id} {"IsFrozen": true} for ${who}`,
      impact:
        "The user can no longer log in by any route (UI, API, OAuth); integrations that run as " +
        "this user fail at their next login. Records, licence and permissions are kept.",
      verification:
        "SELECT IsFrozen FROM UserLogin WHERE UserId = the user reads true, " +
        sessionProof(config),
      undo: `PATCH ${api}/sobjects/UserLogin/{Id} {"IsFrozen": false}.`,
      optional: false,
    });
  }
  if (selected.deactivateUser) {
    drafts.push({
      kind: SALESFORCE_ACTIONS.deactivateUser,
      summary: `PATCH ${api}/sobjects/User/{Id} {"IsActive": false} for ${who}`,
      impact:
        "The user is deactivated and its licence freed. Salesforce refuses this while the user " +
        "is referenced by, e.g., a workflow field update or a custom hierarchy field; the " +
        "freeze above stays in force then.",
      verification:
        "SELECT IsActive FROM User WHERE Id = the user reads false, " +
        sessionProof(config),
      undo:
        `PATCH ${api}/sobjects/User/{Id} {"IsActive": true}, if a licence is free. Territory ` +
        "and similar assignments removed by the deactivation do not come back; " +
        "an admin re-adds them.",
      optional: true,
    });
  }
  if (
    selected.endSessions &&
    (selected.freezeUser || selected.deactivateUser)
  ) {
    drafts.push({
      kind: SALESFORCE_ACTIONS.endSessions,
      summary:
        `SELECT Id FROM AuthSession WHERE UsersId = the user, then DELETE ` +
        `${api}/sobjects/AuthSession/{Id} for each, for ${who}`,
      impact:
        "Every open UI and API session of the user ends now; freezing alone does not end them.",
      verification:
        "SELECT Id FROM AuthSession WHERE UsersId = the user returns no rows.",
      undo: null,
      optional: false,
    });
  }
  if (selected.removePermissionSets.length > 0) {
    const names = selected.removePermissionSets.join(", ");
    drafts.push({
      kind: SALESFORCE_ACTIONS.removePermissionSets,
      summary:
        `DELETE ${api}/sobjects/PermissionSetAssignment/{Id} for permission sets ${names} ` +
        `assigned to ${who}; the profile's own permission set is never touched`,
      impact:
        `The user loses what ${names} granted; calls relying on those permissions fail with ` +
        "INSUFFICIENT_ACCESS errors.",
      verification: `No PermissionSetAssignment of ${names} remains for the user.`,
      undo:
        `POST ${api}/sobjects/PermissionSetAssignment {"AssigneeId", "PermissionSetId"} ` +
        `for each of ${names} that was removed.`,
      optional: false,
      params: { permissionSets: names },
    });
  }

  return drafts.map((draft, index) => ({
    ...draft,
    id: `a${index + 1}`,
    params: { ...draft.params, principal, target: config.id },
  }));
}
