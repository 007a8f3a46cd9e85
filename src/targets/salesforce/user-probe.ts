import type { PlannedAction } from "../../domain/plan.js";
import type { ProbeAnswer, ProbeCheck } from "../types.js";
import type { SalesforceAdminClient } from "./client.js";
import { apiFailureOf } from "./errors.js";
import { SALESFORCE_ACTIONS } from "./plan.js";
import {
  findAssignments,
  findSessions,
  findUser,
  findUserLogin,
  matchesPermissionSet,
  permissionSetsOf,
} from "./records.js";

export interface UserProbeDeps {
  client: SalesforceAdminClient;
  targetId: string;
  now: () => Date;
}

/**
 * Reads the user back for each planned user action: frozen, inactive, no planned assignment
 * (§2.5). A freeze or deactivation is proved only with no AuthSession left, whether or not the
 * plan ends sessions: freezing leaves open sessions working (§2.2). A failed read is
 * `indeterminate`, never proof.
 */
export async function probeUserState(
  deps: UserProbeDeps,
  principal: string,
  actions: readonly PlannedAction[],
): Promise<ProbeCheck[]> {
  const kinds = new Set(actions.map((a) => a.kind));
  const at = () => deps.now().toISOString();
  const checks: ProbeCheck[] = [];
  const add = (name: string, answer: ProbeAnswer, observed: string) =>
    checks.push({ name, answer, observed, at: at() });

  try {
    const user = await findUser(deps.client, principal, deps.targetId);
    if (kinds.has(SALESFORCE_ACTIONS.freezeUser)) {
      const login = await findUserLogin(deps.client, user.Id, deps.targetId);
      add(
        "salesforce.user-frozen",
        login.IsFrozen ? "invalid" : "valid",
        `UserLogin.IsFrozen=${login.IsFrozen}`,
      );
    }
    if (kinds.has(SALESFORCE_ACTIONS.deactivateUser)) {
      add(
        "salesforce.user-inactive",
        user.IsActive ? "valid" : "invalid",
        `User.IsActive=${user.IsActive}`,
      );
    }
    const endsSessions = kinds.has(SALESFORCE_ACTIONS.endSessions);
    const locksOut =
      kinds.has(SALESFORCE_ACTIONS.freezeUser) ||
      kinds.has(SALESFORCE_ACTIONS.deactivateUser);
    if (endsSessions || locksOut) {
      const sessions = await findSessions(deps.client, user.Id);
      const waiting =
        sessions.length > 0 && !endsSessions
          ? "; the plan does not end sessions, so the proof waits for them to time out"
          : "";
      add(
        "salesforce.sessions",
        sessions.length === 0 ? "invalid" : "valid",
        `${sessions.length} AuthSession row(s) left${waiting}`,
      );
    }
    const narrowing = actions.find(
      (a) => a.kind === SALESFORCE_ACTIONS.removePermissionSets,
    );
    if (narrowing !== undefined) {
      const refs = permissionSetsOf(narrowing.params.permissionSets);
      const left = (await findAssignments(deps.client, user.Id)).filter(
        (a) =>
          !a.PermissionSet.IsOwnedByProfile &&
          refs.some((ref) => matchesPermissionSet(a, ref)),
      );
      const names = left.map((a) => a.PermissionSet.Name).join(", ");
      add(
        "salesforce.permission-sets",
        left.length === 0 ? "invalid" : "valid",
        left.length === 0
          ? "no planned assignment left"
          : `still assigned: ${names}`,
      );
    }
  } catch (error) {
    const failure = apiFailureOf(error);
    add(
      "salesforce.user",
      "indeterminate",
      `read failed: ${(error as { code?: string }).code ?? failure.errorCode}`,
    );
  }
  return checks;
}
