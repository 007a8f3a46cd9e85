import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../../../src/domain/plan.js";
import { SecretValue } from "../../../../src/domain/secret.js";
import { SALESFORCE_ACTIONS } from "../../../../src/targets/salesforce/index.js";
import type {
  TargetAdapter,
  TargetContext,
} from "../../../../src/targets/types.js";
import { actionOf, makeContext, planOf } from "../harness.js";
import { CLIENT_ID, finding, identity, startOrg } from "./sf-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Revoke and freeze only: the plan of an org whose config turns session ending off. */
const FREEZE_WITHOUT_ENDING = {
  actions: { endSessions: false, deactivateUser: false },
};

async function executeAll(
  target: TargetAdapter,
  plan: Plan,
  ctx: TargetContext,
): Promise<void> {
  for (const action of plan.actions) await target.execute(action, ctx);
}

function sessionsOf(org: ReturnType<typeof startOrg>): string[] {
  return [...org.sim.state.sessions.values()]
    .filter((s) => s.UsersId === org.leaky.Id)
    .map((s) => s.Id);
}

function prepare(org: ReturnType<typeof startOrg>) {
  const token = new SecretValue(
    org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
  );
  const browserSession = org.sim.state.openUiSession(org.leaky.Id);
  const ctx = makeContext(finding, identity, token);
  const plan = planOf(org.target, identity, finding);
  return { ctx, plan, browserSession };
}

describe("Salesforce proof of a frozen or deactivated user", () => {
  it("does not count a frozen user with a live AuthSession as proof, up to the deadline", async () => {
    const org = startOrg(server, { config: FREEZE_WITHOUT_ENDING });
    const { ctx, plan, browserSession } = prepare(org);
    await executeAll(org.target, plan, ctx);

    const proof = await org.target.verify(plan, ctx);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      SALESFORCE_ACTIONS.revokeToken,
      SALESFORCE_ACTIONS.freezeUser,
    ]);
    expect(org.sim.state.loginOf(org.leaky.Id)?.IsFrozen).toBe(true);
    expect(sessionsOf(org)).toEqual([browserSession]);
    expect(proof.answer).toBe("valid");
    // 30 s deadline, 5 s interval on the fake clock: the first round plus six more.
    expect(proof.attempts).toBe(7);
    const last = proof.checks.slice(-3);
    expect(last.map((c) => [c.name, c.answer])).toEqual([
      ["salesforce.token", "invalid"],
      ["salesforce.user-frozen", "invalid"],
      ["salesforce.sessions", "valid"],
    ]);
    expect(last[2]?.observed).toContain("1 AuthSession row(s) left");
    expect(last[2]?.observed).toContain("waits for them to time out");
  });

  it("proves the freeze once the last open session has timed out", async () => {
    const org = startOrg(server, { config: FREEZE_WITHOUT_ENDING });
    const { ctx, plan, browserSession } = prepare(org);
    await executeAll(org.target, plan, ctx);
    const before = await org.target.verify(plan, ctx);
    org.sim.state.sessions.delete(browserSession);

    const after = await org.target.verify(plan, ctx);

    expect(before.answer).toBe("valid");
    expect(after.answer).toBe("invalid");
    expect(
      after.checks.find((c) => c.name === "salesforce.sessions")?.observed,
    ).toBe("0 AuthSession row(s) left");
  });

  it("ends the sessions a freeze leaves open, so the default plan reaches invalid", async () => {
    const org = startOrg(server, { config: { actions: {} } });
    const { ctx, plan } = prepare(org);

    await executeAll(org.target, plan, ctx);
    const proof = await org.target.verify(plan, ctx);

    expect(plan.actions.map((a) => a.kind)).toEqual([
      SALESFORCE_ACTIONS.revokeToken,
      SALESFORCE_ACTIONS.freezeUser,
      SALESFORCE_ACTIONS.endSessions,
    ]);
    expect(sessionsOf(org)).toEqual([]);
    expect(proof.answer).toBe("invalid");
    expect(proof.attempts).toBe(2);
  });

  it("checks AuthSession for a deactivation even when the plan does not end sessions", async () => {
    const org = startOrg(server, {
      config: {
        actions: {
          freezeUser: false,
          deactivateUser: true,
          endSessions: false,
        },
      },
    });
    const { ctx, plan } = prepare(org);
    await executeAll(org.target, plan, ctx);

    const proof = await org.target.verify(plan, ctx);

    expect(org.sim.state.users.get(org.leaky.Id)?.IsActive).toBe(false);
    expect(proof.answer).toBe("valid");
    expect(
      proof.checks.filter((c) => c.name === "salesforce.sessions").at(-1)
        ?.answer,
    ).toBe("valid");
  });

  it("tells the change manager that the freeze is proved only with no AuthSession left", () => {
    const org = startOrg(server, { config: { actions: {} } });

    const plan = planOf(org.target, identity, finding);

    const freeze = actionOf(plan, SALESFORCE_ACTIONS.freezeUser);
    expect(freeze.verification).toContain(
      "SELECT Id FROM AuthSession WHERE UsersId = the user returns no rows",
    );
    expect(freeze.verification).toContain("end-sessions step below");
  });

  it("says in the plan that the proof waits for sessions to time out when none are ended", () => {
    const org = startOrg(server, { config: FREEZE_WITHOUT_ENDING });

    const plan = planOf(org.target, identity, finding);

    const freeze = actionOf(plan, SALESFORCE_ACTIONS.freezeUser);
    expect(freeze.verification).toContain("does not end sessions");
    expect(freeze.verification).toContain("30 s deadline");
    expect(
      plan.actions.some((a) => a.kind === SALESFORCE_ACTIONS.endSessions),
    ).toBe(false);
  });
});
