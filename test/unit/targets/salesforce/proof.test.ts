import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../../../src/domain/plan.js";
import { SecretValue } from "../../../../src/domain/secret.js";
import { isCloseloopError } from "../../../../src/domain/errors.js";
import { SALESFORCE_ACTIONS } from "../../../../src/targets/salesforce/index.js";
import type {
  TargetAdapter,
  TargetContext,
} from "../../../../src/targets/types.js";
import { actionOf, makeContext, makeFinding, planOf } from "../harness.js";
import {
  CLIENT_ID,
  finding,
  identity,
  PRIVATE_KEY_PEM,
  startOrg,
} from "./sf-harness.js";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function executeAll(
  target: TargetAdapter,
  plan: Plan,
  ctx: TargetContext,
) {
  const results = [];
  for (const action of plan.actions)
    results.push(await target.execute(action, ctx));
  return results;
}

describe("Salesforce target proof", () => {
  it("proves the token dead with 401 INVALID_SESSION_ID and the user frozen, inactive, narrowed", async () => {
    const org = startOrg(server);
    const token = new SecretValue(
      org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
    );
    const ctx = {
      ...makeContext(finding, identity, token),
      logger: org.logger,
    };
    const plan = planOf(org.target, identity, finding);

    const results = await executeAll(org.target, plan, ctx);
    const proof = await org.target.verify(plan, ctx);

    expect(results.map((r) => r.outcome)).toEqual([
      "done",
      "done",
      "done",
      "already_done",
      "done",
    ]);
    expect(proof.answer).toBe("invalid");
    expect(proof.attempts).toBe(2);
    expect(proof.checks.slice(0, 5).map((c) => [c.name, c.answer])).toEqual([
      ["salesforce.token", "invalid"],
      ["salesforce.user-frozen", "invalid"],
      ["salesforce.user-inactive", "invalid"],
      ["salesforce.sessions", "invalid"],
      ["salesforce.permission-sets", "invalid"],
    ]);
    expect(proof.checks[0]?.observed).toContain("401 INVALID_SESSION_ID");
  });

  it("probes with the token alone, so no refresh can revive it", async () => {
    const org = startOrg(server, {
      config: { actions: { freezeUser: false, endSessions: false } },
    });
    const token = new SecretValue(
      org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
    );
    const ctx = makeContext(finding, identity, token);
    const plan = planOf(org.target, identity, finding);
    await org.target.execute(
      actionOf(plan, SALESFORCE_ACTIONS.revokeToken),
      ctx,
    );
    org.sim.requests.length = 0;

    const proof = await org.target.verify(
      { ...plan, actions: [actionOf(plan, SALESFORCE_ACTIONS.revokeToken)] },
      ctx,
    );

    expect(proof.answer).toBe("invalid");
    expect(org.sim.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /services/data/v62.0/",
      "GET /services/data/v62.0/",
    ]);
  });

  it("keeps answering valid while revoke is ignored, and stops at the deadline with valid", async () => {
    const org = startOrg(server);
    org.sim.faults.ignoreRevoke = true;
    const token = new SecretValue(
      org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
    );
    const ctx = makeContext(finding, identity, token);
    const plan = planOf(org.target, identity, finding);
    const revoke = actionOf(plan, SALESFORCE_ACTIONS.revokeToken);
    await org.target.execute(revoke, ctx);

    const proof = await org.target.verify({ ...plan, actions: [revoke] }, ctx);

    // 30 s deadline, 5 s interval on the fake clock: the first round plus six more.
    expect(proof.answer).toBe("valid");
    expect(proof.attempts).toBe(7);
    expect(proof.checks.every((c) => c.answer === "valid")).toBe(true);
  });

  it("proves a refresh token dead with invalid_grant, after revoking it killed its access tokens", async () => {
    const org = startOrg(server, {
      config: { actions: { freezeUser: false } },
    });
    const refresh = org.sim.state.issueRefreshToken(org.leaky.Id, CLIENT_ID);
    const child = org.sim.state.issueAccessToken(
      org.leaky.Id,
      CLIENT_ID,
      refresh,
    );
    const refreshFinding = makeFinding({
      detector: "salesforce-refresh-token",
      preview: "5Aep********abcd",
    });
    const ctx = makeContext(refreshFinding, identity, new SecretValue(refresh));
    const plan = planOf(org.target, identity, refreshFinding);

    const result = await org.target.execute(
      actionOf(plan, SALESFORCE_ACTIONS.revokeToken),
      ctx,
    );
    const proof = await org.target.verify(plan, ctx);

    expect(result.outcome).toBe("done");
    expect(org.sim.state.accessTokenUser(child)).toBeUndefined();
    expect(proof.answer).toBe("invalid");
    expect(proof.checks[0]?.observed).toContain("400 invalid_grant");
  });

  it("never answers invalid without a token in custody to probe with", async () => {
    const org = startOrg(server);
    const plan = planOf(org.target, identity, finding);

    const proof = await org.target.verify(
      plan,
      makeContext(finding, identity, null),
    );

    expect(proof.answer).toBe("valid");
    expect(
      proof.checks.find((c) => c.name === "salesforce.token")?.answer,
    ).toBe("indeterminate");
  });

  it("ends in an error after a bounded number of re-logins when every session is refused", async () => {
    const org = startOrg(server);
    org.sim.faults.rejectEverySession = true;
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.freezeUser,
    );

    const outcome = await org.target.execute(
      action,
      makeContext(finding, identity, null),
    );
    const logins = org.sim.requests.filter(
      (r) => r.path === "/services/oauth2/token",
    );

    expect(outcome).toMatchObject({
      outcome: "failed",
      resultCode: "SALESFORCE_SESSION_UNREFRESHABLE",
    });
    expect(logins).toHaveLength(2);
  });

  it("ends in a non-retryable error when the re-login itself is refused", async () => {
    const org = startOrg(server);
    const action = actionOf(
      planOf(org.target, identity, finding),
      SALESFORCE_ACTIONS.freezeUser,
    );
    const ctx = makeContext(finding, identity, null);
    await org.target.execute(action, ctx);
    org.sim.state.sessions.clear();
    org.sim.faults.tokenEndpointRefuses = true;

    const undone = await org.target.undo?.(action, ctx);

    expect(undone).toMatchObject({
      outcome: "failed",
      resultCode: "SALESFORCE_SESSION_UNREFRESHABLE",
    });
    expect(
      org.sim.requests.filter((r) => r.path === "/services/oauth2/token"),
    ).toHaveLength(2);
  });

  it("writes neither the token nor the private key into logs, results or proofs", async () => {
    const org = startOrg(server);
    const token = new SecretValue(
      org.sim.state.issueAccessToken(org.leaky.Id, CLIENT_ID),
    );
    const ctx = {
      ...makeContext(finding, identity, token),
      logger: org.logger,
    };
    const plan = planOf(org.target, identity, finding);

    const results = await executeAll(org.target, plan, ctx);
    const proof = await org.target.verify(plan, ctx);
    const everything = JSON.stringify({
      plan,
      results,
      proof,
      logs: org.logger.lines,
    });

    expect(org.logger.lines.length).toBeGreaterThan(0);
    expect(everything).not.toContain(token.reveal());
    expect(everything).not.toContain(token.reveal().split("!")[1]);
    expect(everything).not.toContain(PRIVATE_KEY_PEM.split("\n")[1]);
  });

  it("rejects an inline client secret in the configuration without echoing it", async () => {
    const { createSalesforceTarget } =
      await import("../../../../src/targets/salesforce/index.js");

    let caught: unknown;
    try {
      createSalesforceTarget(
        {
          id: "sf",
          kind: "salesforce",
          instanceUrl: "https://acme.my.salesforce.com",
          auth: {
            type: "client_credentials",
            clientId: "x",
            clientSecret: "hunter2-inline" as never,
          },
        },
        { logger: org0Logger(), env: {} },
      );
    } catch (error) {
      caught = error;
    }

    expect(isCloseloopError(caught) && caught.code).toBe("CONFIG_INVALID");
    expect(JSON.stringify((caught as Error).message)).not.toContain(
      "hunter2-inline",
    );
  });
});

function org0Logger() {
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: () => {},
    child: org0Logger,
  };
}
