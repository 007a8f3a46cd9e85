import type { PlannedAction } from "../../domain/plan.js";
import { startAction } from "../guard/action-result.js";
import type { ActionResult } from "../types.js";
import type { SalesforceAdminClient } from "./client.js";
import { findSessions, findUser, findUserLogin } from "./records.js";

export interface UserActionDeps {
  client: SalesforceAdminClient;
  targetId: string;
  apiPath: string;
  now: () => Date;
}

/** `UserLogin.IsFrozen` set to `frozen`; a user already in that state answers `already_done`. */
export async function setFrozen(
  deps: UserActionDeps,
  action: PlannedAction,
  principal: string,
  frozen: boolean,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const user = await findUser(deps.client, principal, deps.targetId);
  const login = await findUserLogin(deps.client, user.Id, deps.targetId);
  const requestSummary =
    `PATCH ${deps.apiPath}/sobjects/UserLogin/${login.Id} ` +
    `{"IsFrozen": ${frozen}} (user ${user.Username}, ${user.Id})`;
  const responseIds = [user.Id, login.Id];

  if (login.IsFrozen === frozen) {
    return finish({
      outcome: "already_done",
      resultCode: frozen ? "ALREADY_FROZEN" : "ALREADY_UNFROZEN",
      requestSummary: `SELECT Id, IsFrozen FROM UserLogin WHERE UserId = '${user.Id}'`,
      responseIds,
    });
  }
  await deps.client.patch("UserLogin", login.Id, { IsFrozen: frozen });
  return finish({
    outcome: "done",
    resultCode: frozen ? "USER_FROZEN" : "USER_UNFROZEN",
    requestSummary,
    responseIds,
  });
}

/**
 * `User.IsActive` set to `active`. Salesforce may refuse either way (a user referenced by a field
 * update; no free licence): that refusal is the action's failed answer, not a crash (§2.2).
 */
export async function setActive(
  deps: UserActionDeps,
  action: PlannedAction,
  principal: string,
  active: boolean,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const user = await findUser(deps.client, principal, deps.targetId);
  const requestSummary =
    `PATCH ${deps.apiPath}/sobjects/User/${user.Id} ` +
    `{"IsActive": ${active}} (user ${user.Username})`;

  if (user.IsActive === active) {
    return finish({
      outcome: "already_done",
      resultCode: active ? "ALREADY_ACTIVE" : "ALREADY_INACTIVE",
      requestSummary: `SELECT Id, IsActive FROM User WHERE Id = '${user.Id}'`,
      responseIds: [user.Id],
    });
  }
  await deps.client.patch("User", user.Id, { IsActive: active });
  return finish({
    outcome: "done",
    resultCode: active ? "USER_REACTIVATED" : "USER_DEACTIVATED",
    requestSummary,
    responseIds: [user.Id],
    detail: active
      ? {
          notRestored:
            "territory and similar assignments removed by the deactivation; an admin re-adds them",
        }
      : {},
  });
}

/** Deletes every AuthSession of the user; a session gone meanwhile (404) counts as ended. */
export async function endSessions(
  deps: UserActionDeps,
  action: PlannedAction,
  principal: string,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const user = await findUser(deps.client, principal, deps.targetId);
  const sessions = await findSessions(deps.client, user.Id);
  if (sessions.length === 0) {
    return finish({
      outcome: "already_done",
      resultCode: "NO_SESSIONS",
      requestSummary: `SELECT Id FROM AuthSession WHERE UsersId = '${user.Id}'`,
      responseIds: [user.Id],
    });
  }

  let deleted = 0;
  for (const session of sessions) {
    if (await deps.client.remove("AuthSession", session.Id)) deleted += 1;
  }
  return finish({
    outcome: "done",
    resultCode: "SESSIONS_ENDED",
    requestSummary:
      `DELETE ${deps.apiPath}/sobjects/AuthSession/{Id} for ${sessions.length} ` +
      `session(s) of ${user.Username}`,
    responseIds: [user.Id, ...sessions.map((s) => s.Id)],
    detail: { found: sessions.length, deleted },
  });
}
