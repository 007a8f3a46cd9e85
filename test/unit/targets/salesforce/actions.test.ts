import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SecretValue } from "../../../../src/domain/secret.js";
import { SALESFORCE_ACTIONS } from "../../../../src/targets/salesforce/index.js";
import { actionOf, makeContext, planOf } from "../harness.js";
import { CLIENT_ID, finding, identity, LEAKY, startOrg } from "./sf-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function assignedNames(org: ReturnType<typeof startOrg>): string[] {
  const { state } = org.sim;
  return [...state.assignments.values()]
    .filter((a) => a.AssigneeId === org.leaky.Id)
    .map((a) => state.permissionSets.get(a.PermissionSetId)?.Name ?? "?")
    .sort();
}

describe("Salesforce target actions", () => {
  it("marks only the token revocation as taking the leaked value", () => {
    const org = startOrg(server);

    const plan = planOf(org.target, identity, finding);

    expect(
      plan.actions
        .filter((a) => a.usesLeakedSecret === true)
        .map((a) => a.kind),
    ).toEqual([SALESFORCE_ACTIONS.revokeToken]);
  });

  it("plans each call with the user, its impact and its undo, and no token", () => {
    const org = startOrg(server);

    const plan = planOf(org.target, identity, finding);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      SALESFORCE_ACTIONS.revokeToken,
      SALESFORCE_ACTIONS.freezeUser,
      SALESFORCE_ACTIONS.deactivateUser,
      SALESFORCE_ACTIONS.endSessions,
      SALESFORCE_ACTIONS.removePermissionSets,
    ]);
    expect(plan.actions.every((a) => a.summary.includes(LEAKY))).toBe(true);
    expect(actionOf(plan, SALESFORCE_ACTIONS.revokeToken).undo).toBeNull();
    expect(actionOf(plan, SALESFORCE_ACTIONS.freezeUser).undo).toContain(
      '"IsFrozen": false',
    );
    expect(actionOf(plan, SALESFORCE_ACTIONS.deactivateUser).undo).toContain(
      "Territory",
    );
    expect(org.sim.requests).toHaveLength(0);
  });

  it("revokes the leaked token, and answers already_done when it is revoked again", async () => {
    const org = startOrg(server);
    const token = new SecretValue(
      org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
    );
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.revokeToken,
    );
    const ctx = makeContext(finding, identity, token);

    const first = await org.target.execute(action, ctx);
    const second = await org.target.execute(action, ctx);

    expect(first).toMatchObject({
      outcome: "done",
      resultCode: "TOKEN_REVOKED",
    });
    expect(second).toMatchObject({
      outcome: "already_done",
      resultCode: "ALREADY_REVOKED",
    });
    expect(org.sim.state.accessTokenUser(token.reveal())).toBeUndefined();
  });

  it("fails the revoke without calling Salesforce when no token was kept", async () => {
    const org = startOrg(server);
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.revokeToken,
    );

    const result = await org.target.execute(
      action,
      makeContext(finding, identity, null),
    );

    expect(result).toMatchObject({
      outcome: "failed",
      resultCode: "SECRET_NOT_IN_CUSTODY",
    });
    expect(org.sim.requests).toHaveLength(0);
  });

  it("freezes the user, answers already_done for a frozen one, and unfreezes on undo", async () => {
    const org = startOrg(server);
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.freezeUser,
    );
    const ctx = makeContext(finding, identity, null);

    const done = await org.target.execute(action, ctx);
    const again = await org.target.execute(action, ctx);
    const frozen = org.sim.state.loginOf(org.leaky.Id)?.IsFrozen;
    const undone = await org.target.undo?.(action, ctx);

    expect(done).toMatchObject({ outcome: "done", resultCode: "USER_FROZEN" });
    expect(done.responseIds).toContain(org.leaky.Id);
    expect(again).toMatchObject({
      outcome: "already_done",
      resultCode: "ALREADY_FROZEN",
    });
    expect(frozen).toBe(true);
    expect(undone).toMatchObject({
      outcome: "done",
      resultCode: "USER_UNFROZEN",
    });
    expect(org.sim.state.loginOf(org.leaky.Id)?.IsFrozen).toBe(false);
  });

  it("deactivates the user, answers already_done when inactive, and reactivates on undo", async () => {
    const org = startOrg(server);
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.deactivateUser,
    );
    const ctx = makeContext(finding, identity, null);

    const done = await org.target.execute(action, ctx);
    const again = await org.target.execute(action, ctx);
    const active = org.leaky.IsActive;
    const undone = await org.target.undo?.(action, ctx);

    expect(done).toMatchObject({
      outcome: "done",
      resultCode: "USER_DEACTIVATED",
    });
    expect(again).toMatchObject({
      outcome: "already_done",
      resultCode: "ALREADY_INACTIVE",
    });
    expect(active).toBe(false);
    expect(undone).toMatchObject({
      outcome: "done",
      resultCode: "USER_REACTIVATED",
    });
    expect(undone?.detail.notRestored).toContain("territory");
    expect(org.leaky.IsActive).toBe(true);
  });

  it("reports a refused deactivation as failed with Salesforce's error code", async () => {
    const org = startOrg(server);
    org.sim.faults.blockDeactivation = true;
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.deactivateUser,
    );

    const result = await org.target.execute(
      action,
      makeContext(finding, identity, null),
    );

    expect(result).toMatchObject({
      outcome: "failed",
      resultCode: "FIELD_INTEGRITY_EXCEPTION",
    });
    expect(org.leaky.IsActive).toBe(true);
  });

  it("deletes every AuthSession of the user and answers already_done when none is left", async () => {
    const org = startOrg(server);
    org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID);
    org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID);
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.endSessions,
    );
    const ctx = makeContext(finding, identity, null);

    const done = await org.target.execute(action, ctx);
    const again = await org.target.execute(action, ctx);

    expect(done).toMatchObject({
      outcome: "done",
      resultCode: "SESSIONS_ENDED",
    });
    expect(done.detail).toEqual({ found: 2, deleted: 2 });
    expect(again).toMatchObject({
      outcome: "already_done",
      resultCode: "NO_SESSIONS",
    });
    const left = [...org.sim.state.sessions.values()].filter(
      (s) => s.UsersId === org.leaky.Id,
    );
    expect(left).toHaveLength(0);
  });

  it("removes the planned assignment, never the profile's, and re-adds it on undo", async () => {
    const org = startOrg(server, {
      config: {
        actions: {
          removePermissionSets: [
            "Integration_Admin",
            "X00ex00000018ozh_128_09_04_12_2",
          ],
        },
      },
    });
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.removePermissionSets,
    );
    const ctx = makeContext(finding, identity, null);

    const done = await org.target.execute(action, ctx);
    const afterRemove = assignedNames(org);
    const again = await org.target.execute(action, ctx);
    const undone = await org.target.undo?.(action, ctx);

    expect(done).toMatchObject({
      outcome: "done",
      resultCode: "ASSIGNMENTS_REMOVED",
    });
    expect(done.detail).toEqual({
      removed: ["Integration_Admin"],
      skippedProfileOwned: ["X00ex00000018ozh_128_09_04_12_2"],
    });
    expect(afterRemove).toEqual([
      "Read_Accounts",
      "X00ex00000018ozh_128_09_04_12_2",
    ]);
    expect(again).toMatchObject({
      outcome: "already_done",
      resultCode: "ALREADY_REMOVED",
    });
    expect(undone).toMatchObject({
      outcome: "done",
      resultCode: "ASSIGNMENTS_RESTORED",
    });
    expect(assignedNames(org)).toEqual([
      "Integration_Admin",
      "Read_Accounts",
      "X00ex00000018ozh_128_09_04_12_2",
    ]);
  });

  it("says a revoke and ended sessions cannot be undone", async () => {
    const org = startOrg(server);
    const plan = planOf(org.target, identity, finding);
    const ctx = makeContext(finding, identity, null);

    const revoke = await org.target.undo?.(
      actionOf(plan, SALESFORCE_ACTIONS.revokeToken),
      ctx,
    );
    const sessions = await org.target.undo?.(
      actionOf(plan, SALESFORCE_ACTIONS.endSessions),
      ctx,
    );

    expect(revoke).toMatchObject({
      outcome: "failed",
      resultCode: "UNDO_IMPOSSIBLE",
    });
    expect(revoke?.error?.message).toContain("re-authorises");
    expect(sessions).toMatchObject({
      outcome: "failed",
      resultCode: "UNDO_IMPOSSIBLE",
    });
  });

  it("refuses to act on the connector's own user", async () => {
    const org = startOrg(server);
    const self = { ...identity, principal: "closeloop@acme.example" };
    const action = actionOf(
      planOf(org.target, self, finding),
      SALESFORCE_ACTIONS.freezeUser,
    );

    const result = await org.target.execute(
      action,
      makeContext(finding, self, null),
    );

    expect(result).toMatchObject({
      outcome: "failed",
      resultCode: "ACTION_TARGETS_ADMIN",
    });
    expect(
      org.sim.state.loginOf(org.sim.state.userByName(self.principal)?.Id ?? "")
        ?.IsFrozen,
    ).toBe(false);
  });
});
