import type { PlannedAction } from "../../domain/plan.js";
import { startAction } from "../guard/action-result.js";
import type { ActionResult } from "../types.js";
import {
  findAssignments,
  findUser,
  matchesPermissionSet,
  permissionSetSchema,
  permissionSetsOf,
  soqlString,
} from "./records.js";
import type { UserActionDeps } from "./user-actions.js";

/**
 * Deletes the user's assignments of the planned permission sets. A profile-owned permission set
 * is the profile itself and is never unassigned this way (§2.2): it is reported, not touched.
 */
export async function removePermissionSets(
  deps: UserActionDeps,
  action: PlannedAction,
  principal: string,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const refs = permissionSetsOf(action.params.permissionSets);
  const user = await findUser(deps.client, principal, deps.targetId);
  const assignments = (await findAssignments(deps.client, user.Id)).filter(
    (a) => refs.some((ref) => matchesPermissionSet(a, ref)),
  );
  const profileOwned = assignments.filter(
    (a) => a.PermissionSet.IsOwnedByProfile,
  );
  const removable = assignments.filter(
    (a) => !a.PermissionSet.IsOwnedByProfile,
  );

  const removed: string[] = [];
  for (const assignment of removable) {
    if (await deps.client.remove("PermissionSetAssignment", assignment.Id)) {
      removed.push(assignment.PermissionSet.Name);
    }
  }
  const detail = {
    removed,
    skippedProfileOwned: profileOwned.map((a) => a.PermissionSet.Name),
  };
  const responseIds = [user.Id, ...removable.map((a) => a.Id)];
  if (removed.length === 0) {
    return finish({
      outcome: "already_done",
      resultCode: "ALREADY_REMOVED",
      requestSummary: `SELECT … FROM PermissionSetAssignment WHERE AssigneeId = '${user.Id}'`,
      responseIds,
      detail,
    });
  }
  return finish({
    outcome: "done",
    resultCode: "ASSIGNMENTS_REMOVED",
    requestSummary:
      `DELETE ${deps.apiPath}/sobjects/PermissionSetAssignment/{Id} for ${removed.join(", ")} ` +
      `(user ${user.Username})`,
    responseIds,
    detail,
  });
}

/** Re-inserts the planned assignments that are missing; profile-owned sets are skipped. */
export async function restorePermissionSets(
  deps: UserActionDeps,
  action: PlannedAction,
  principal: string,
): Promise<ActionResult> {
  const finish = startAction(action, deps.now);
  const refs = permissionSetsOf(action.params.permissionSets);
  const user = await findUser(deps.client, principal, deps.targetId);
  const present = await findAssignments(deps.client, user.Id);

  const restored: string[] = [];
  const responseIds = [user.Id];
  for (const ref of refs) {
    if (present.some((a) => matchesPermissionSet(a, ref))) continue;
    const field = ref.startsWith("0PS") ? "Id" : "Name";
    const [set] = await deps.client.query(
      `SELECT Id, Name, IsOwnedByProfile FROM PermissionSet WHERE ${field} = ${soqlString(ref)}`,
      permissionSetSchema,
    );
    if (set === undefined || set.IsOwnedByProfile) continue;
    responseIds.push(
      await deps.client.create("PermissionSetAssignment", {
        AssigneeId: user.Id,
        PermissionSetId: set.Id,
      }),
    );
    restored.push(set.Name);
  }
  return finish({
    outcome: restored.length === 0 ? "already_done" : "done",
    resultCode:
      restored.length === 0 ? "ALREADY_ASSIGNED" : "ASSIGNMENTS_RESTORED",
    requestSummary:
      `POST ${deps.apiPath}/sobjects/PermissionSetAssignment ` +
      `{"AssigneeId": "${user.Id}", "PermissionSetId": …} for ${restored.join(", ") || "none"}`,
    responseIds,
    detail: { restored },
  });
}
